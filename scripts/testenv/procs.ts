/** Starting, recording and stopping the test environment's processes. */
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ProcInfo {
  name: string;
  pid: number;
  bin: string;
  port?: number;
  log: string;
}

export interface State {
  dir: string;
  kubeconfig: string;
  server: string;
  adminToken: string;
  restrictedToken: string;
  ports: Record<string, number>;
  procs: ProcInfo[];
}

export const stateFile = (dir: string) => join(dir, "state.json");

export function saveState(s: State): void {
  writeFileSync(stateFile(s.dir), JSON.stringify(s, null, 2));
}

export function loadState(dir: string): State | undefined {
  return existsSync(stateFile(dir)) ? (JSON.parse(readFileSync(stateFile(dir), "utf8")) as State) : undefined;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
/** Ports handed out by this process: never twice, even after their test let them go. */
const handedOut = new Set<number>();

/** The lowest port the kernel picks for outgoing connections (32768 unless configured). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/**
 * A port free right now, for a process started later. Picked below the kernel's ephemeral range: a
 * port the kernel hands out (port 0) can meanwhile become the local port of some outgoing connection,
 * and the component then fails with "address already in use" (seen with a Flux controller).
 */
export function freePort(): number {
  const low = 10_000;
  const high = ephemeralLow();
  for (let i = 0; high - low > 1000 && i < 100; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    try {
      Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    } catch {
      continue;
    }
    handedOut.add(port);
    return port;
  }
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** Starts a process in its own session so it outlives the command that started it. */
export function start(
  dir: string,
  name: string,
  bin: string,
  args: string[],
  env: Record<string, string> = {},
  port?: number,
): ProcInfo {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, "a");
  const p = Bun.spawn(["setsid", bin, ...args], {
    cwd: dir,
    stdout: fd,
    stderr: fd,
    stdin: "ignore",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...env },
  });
  p.unref();
  closeSync(fd);
  return { name, pid: p.pid, bin, log, ...(port ? { port } : {}) };
}

export function alive(p: ProcInfo): boolean {
  try {
    const cmd = readFileSync(`/proc/${p.pid}/cmdline`, "utf8");
    return cmd.includes(p.bin.split("/").at(-1)!);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after a grace period; only pids still running our binary. */
export async function stop(procs: ProcInfo[], graceMs = 5000): Promise<void> {
  const live = procs.filter(alive);
  for (const p of live) process.kill(p.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (live.some(alive) && Date.now() < deadline) await Bun.sleep(100);
  for (const p of live.filter(alive)) process.kill(p.pid, "SIGKILL");
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  logs?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await Bun.sleep(200);
  }
  const tail =
    logs && existsSync(logs)
      ? `\n--- ${logs} (tail)\n${readFileSync(logs, "utf8").split("\n").slice(-30).join("\n")}`
      : "";
  throw new Error(`testenv: timed out after ${timeoutMs / 1000}s waiting for ${what}${tail}`);
}
