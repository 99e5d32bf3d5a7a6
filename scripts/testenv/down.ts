/** `npm run testenv -- down|status [--dir D]`: stop exactly what `up` started, or show it. */
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alive, loadState, stop } from "./procs.ts";

function dirs(dir?: string): string[] {
  if (dir) return [dir];
  return readdirSync(tmpdir())
    .filter((n) => n.startsWith("gimlet-testenv-"))
    .map((n) => join(tmpdir(), n));
}

export async function down(dir?: string): Promise<void> {
  for (const d of dirs(dir)) {
    const s = loadState(d);
    if (s) await stop([...s.procs].reverse());
    rmSync(d, { recursive: true, force: true });
    console.error(`testenv down: stopped ${s?.procs.length ?? 0} processes, removed ${d}`);
  }
}

export async function status(dir?: string): Promise<void> {
  const all = dirs(dir);
  if (all.length === 0) console.log("no test environment");
  for (const d of all) {
    const s = loadState(d);
    console.log(`${d}${s ? ` (${s.server})` : " (no state)"}`);
    for (const p of s?.procs ?? [])
      console.log(
        `  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${alive(p) ? "running" : "stopped"}${p.port ? ` port ${p.port}` : ""}`,
      );
  }
}
