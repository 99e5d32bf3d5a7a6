/**
 * A large gitops repo made with `git fast-import`, shaped like a real one: `commits` release
 * commits spread over `apps` apps in one env, each writing `<env>/<app>/{deployment,service}.yaml`
 * plus both release.json copies, with Gimlet's commit messages.
 */
import { mkdirSync } from "node:fs";

export interface SyntheticRepo {
  dir: string;
  /** Commit sha of each release, oldest first, per app. */
  marks: number;
}

function release(env: string, app: string, i: number): string {
  return (
    JSON.stringify({
      app,
      env,
      artifactId: `acme/${app}-${i}`,
      triggeredBy: "policy",
      version: {
        repositoryName: `acme/${app}`,
        sha: i.toString(16).padStart(40, "0"),
        branch: "main",
        event: "push",
        message: `change ${i}`,
      },
      gitopsRef: "",
      gitopsRepo: "",
    }) + "\n"
  );
}

function data(s: string): string {
  return `data ${Buffer.byteLength(s)}\n${s}\n`;
}

/** Builds the fast-import stream; deterministic for given sizes. */
export function fastImportStream(opts: { commits: number; apps: number; env?: string; start?: number }): string {
  const env = opts.env ?? "staging";
  const t0 = opts.start ?? 1_700_000_000;
  const parts: string[] = [];
  for (let i = 1; i <= opts.commits; i++) {
    const app = `app-${String((i - 1) % opts.apps).padStart(4, "0")}`;
    const rel = release(env, app, i);
    const msg = `[Gimlet] ${env}/${app} automated deploy\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i}\ncommitter Gimlet <gimlet@gimlet.io> ${t0 + i * 60} +0000\n${data(msg)}`,
      i > 1 ? `from :${i - 1}\n` : "",
      `M 100644 inline ${env}/${app}/deployment.yaml\n${data(`---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${(i % 3) + 1}\n  template:\n    spec:\n      containers:\n      - name: ${app}\n        image: acme/${app}:${i}\n`)}`,
      `M 100644 inline ${env}/${app}/service.yaml\n${data(`---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n`)}`,
      `M 100644 inline ${env}/${app}/release.json\n${data(rel)}`,
      `M 100644 inline ${env}/release.json\n${data(rel)}`,
      "\n",
    );
  }
  return parts.join("");
}

/** Creates a bare repo at `dir` from the stream (about 4 s for 10,000 commits). */
export async function makeSyntheticRepo(
  dir: string,
  opts: { commits: number; apps: number; env?: string },
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const init = Bun.spawnSync(["git", "init", "-q", "--bare", "-b", "main", dir]);
  if (init.exitCode !== 0) throw new Error(init.stderr.toString());
  const p = Bun.spawn(["git", "fast-import", "--quiet"], {
    cwd: dir,
    stdin: new TextEncoder().encode(fastImportStream(opts)),
    stderr: "pipe",
  });
  if ((await p.exited) !== 0) throw new Error(`git fast-import failed: ${await new Response(p.stderr).text()}`);
}
