/**
 * A git smart-HTTP server for tests, backed by the real `git http-backend`: a remote that nobody
 * on this team wrote, for clients (isomorphic-git, git CLI, Flux) to talk to.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testAuthor } from "../../src/git/test-kit.ts";

export interface GitServer {
  root: string;
  url(repo: string): string;
  /** Creates a bare repo with one commit on main (or empty with `empty`). */
  createRepo(name: string, opts?: { empty?: boolean }): Promise<string>;
  stop(): void;
}

async function sh(cmd: string[], cwd?: string): Promise<string> {
  const p = Bun.spawn(cmd, {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...testAuthor },
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} failed (${code}): ${err}`);
  return out;
}

export async function startGitServer(): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), "git-server-"));
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const u = new URL(req.url);
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REMOTE_USER: "test",
        REQUEST_METHOD: req.method,
        PATH_INFO: decodeURIComponent(u.pathname),
        QUERY_STRING: u.search.slice(1),
        CONTENT_TYPE: req.headers.get("content-type") ?? "",
      };
      for (const [h, e] of [
        ["content-encoding", "HTTP_CONTENT_ENCODING"],
        ["git-protocol", "GIT_PROTOCOL"],
        ["content-length", "CONTENT_LENGTH"],
      ] as const) {
        const v = req.headers.get(h);
        if (v) env[e] = v;
      }
      const body = req.method === "POST" ? new Uint8Array(await req.arrayBuffer()) : undefined;
      const p = Bun.spawn(["git", "-c", "http.receivepack=true", "http-backend"], {
        env,
        stdin: body ?? "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const out = new Uint8Array(await new Response(p.stdout).arrayBuffer());
      await p.exited;
      // CGI output: headers, a blank line, the body.
      let split = -1;
      for (let i = 0; i + 3 < out.length; i++) {
        if (out[i] === 13 && out[i + 1] === 10 && out[i + 2] === 13 && out[i + 3] === 10) {
          split = i;
          break;
        }
      }
      const head = new TextDecoder().decode(out.subarray(0, Math.max(split, 0)));
      const headers = new Headers();
      let status = 200;
      for (const line of head.split("\r\n")) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
        if (k.toLowerCase() === "status") status = Number(v.split(" ")[0]);
        else headers.append(k, v);
      }
      return new Response(out.subarray(split < 0 ? 0 : split + 4), { status, headers });
    },
  });
  return {
    root,
    url: (repo) => `http://127.0.0.1:${server.port}/${repo}`,
    async createRepo(name, opts = {}) {
      const bare = join(root, name);
      await sh(["git", "init", "-q", "--bare", "-b", "main", bare]);
      if (!opts.empty) {
        const work = mkdtempSync(join(tmpdir(), "git-seed-"));
        await sh(["git", "init", "-q", "-b", "main", work]);
        await sh(["git", "commit", "-q", "--allow-empty", "-m", "Initial commit"], work);
        await sh(["git", "push", "-q", bare, "main"], work);
        rmSync(work, { recursive: true, force: true });
      }
      return bare;
    },
    stop() {
      server.stop(true);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export { sh as run };
