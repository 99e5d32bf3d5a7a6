/**
 * `gimlet serve` processes on one PostgreSQL database and one data dir, as replicas run: the
 * compiled binary when GIMLET_BIN is set, else `bun src/main.ts` (so integration tests and benches
 * run without a build). The CLI the same way.
 */
import { resolve } from "node:path";
import { freePort } from "../../scripts/testenv/procs.ts";

const bun = resolve("node_modules/.bin/bun");
/** The argv prefix that runs gimlet. */
export const gimletCmd = process.env.GIMLET_BIN ? [resolve(process.env.GIMLET_BIN)] : [bun, resolve("src/main.ts")];

export interface Replica {
  port: number;
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** Its stderr so far (read for the whole life of the process: a full pipe would block it). */
  log: string;
  /** The admin token a first start prints, else "". */
  adminToken: string;
}

export { freePort };

export async function startReplica(
  dataDir: string,
  databaseUrl: string,
  o: { port?: number; env?: Record<string, string> } = {},
): Promise<Replica> {
  const port = o.port ?? freePort();
  const proc = Bun.spawn([...gimletCmd, "serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      GIMLET_DATABASE_URL: databaseUrl,
      GIMLET_RENDER_TIMEOUT_MS: "30000",
      ...o.env,
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  const r: Replica = { port, url: `http://127.0.0.1:${port}`, proc, log: "", adminToken: "" };
  void (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) r.log += new TextDecoder().decode(chunk);
  })();
  const deadline = Date.now() + 30_000;
  while (!r.log.includes("gimlet serve listening")) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`replica on ${port} did not start:\n${r.log}`);
    await Bun.sleep(50);
  }
  r.adminToken = /Admin token: (\S+)/.exec(r.log)?.[1] ?? "";
  return r;
}

export async function stopReplicas(rs: Replica[]): Promise<void> {
  for (const r of rs) r.proc.kill("SIGKILL");
  await Promise.all(rs.map((r) => r.proc.exited));
}

/** Runs the gimlet CLI; `env` adds to a clean environment (PATH, HOME). */
export async function gimletCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([...gimletCmd, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, stdout, stderr };
}
