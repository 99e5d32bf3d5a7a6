/** Runs the compiled binary for end-to-end tests. `npm test` builds it and sets GIMLET_BIN. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../scripts/testenv/procs.ts";

export const gimletBin = resolve(process.env.GIMLET_BIN ?? "dist/gimlet");

if (!existsSync(gimletBin)) {
  throw new Error(`${gimletBin} does not exist: run \`npm run build\` first, or the whole \`npm test\``);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function gimlet(
  args: string[],
  opts: { stdin?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const proc = Bun.spawn([gimletBin, ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** A free TCP port on 127.0.0.1 (below the ephemeral range: see testenv's freePort). */
export { freePort };

export interface ServeProcess {
  proc: ReturnType<typeof Bun.spawn>;
  url: string;
  /** The admin token the first start prints ("" on later starts). */
  token: string;
  /** stderr up to "listening". */
  output: string;
}

/**
 * Starts `gimlet serve` on a free port and waits until it listens. Its stderr keeps draining
 * afterwards, so a chatty server never blocks on a full pipe.
 */
export async function startServe(
  dataDir: string,
  opts: {
    args?: string[];
    env?: Record<string, string>;
    /** A fixed port, so a restarted server keeps the URL its clients know. */
    port?: number;
    /** Receives stderr after "listening" (otherwise dropped). */
    onOutput?: (chunk: string) => void;
  } = {},
): Promise<ServeProcess> {
  const port = opts.port ?? freePort();
  const proc = Bun.spawn(
    [gimletBin, "serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`, ...(opts.args ?? [])],
    {
      env: { ...process.env, ...opts.env },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
  let output = "";
  const deadline = Date.now() + 10_000;
  while (!output.includes("listening") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const onOutput = opts.onOutput;
  const sink = new WritableStream<Uint8Array>(
    onOutput ? { write: (chunk) => onOutput(new TextDecoder().decode(chunk)) } : {},
  );
  void (proc.stderr as ReadableStream<Uint8Array>).pipeTo(sink).catch(() => undefined);
  if (!output.includes("listening")) {
    proc.kill("SIGKILL");
    throw new Error(`gimlet serve did not start: ${output}`);
  }
  const token = /Admin token: (\S+)/.exec(output)?.[1] ?? "";
  return { proc, url: `http://127.0.0.1:${port}`, token, output };
}

/**
 * The temp dirs and `gimlet serve` processes of one test file: `temp` makes a dir, `serve` starts
 * a server on one, `cleanUp` (from afterAll) kills the servers and removes the dirs.
 */
export function scratch(prefix: string) {
  const temps: string[] = [];
  const procs: ReturnType<typeof Bun.spawn>[] = [];
  return {
    temp(): string {
      const d = mkdtempSync(join(tmpdir(), prefix));
      temps.push(d);
      return d;
    },
    async serve(dataDir: string, opts?: Parameters<typeof startServe>[1]): Promise<ServeProcess> {
      const s = await startServe(dataDir, opts);
      procs.push(s.proc);
      return s;
    },
    async cleanUp(): Promise<void> {
      for (const p of procs.splice(0)) {
        p.kill("SIGKILL");
        await p.exited;
      }
      for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
