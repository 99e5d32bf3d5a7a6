/** Following a deploy from outside the server: the gitops commit it wrote, and Flux's event about it. */
import { expect } from "bun:test";
import { join } from "node:path";
import { run } from "./git-server.ts";

/**
 * The commit of the staging env's hosted repo in `dataDir` that deployed `sha` (the image tag
 * nginx:`sha` of app web), polled every 100 ms while the worker writes it.
 */
export async function deployedCommit(dataDir: string, sha: string, tries = 100): Promise<string> {
  const git = (...args: string[]) =>
    run(["git", "--git-dir", join(dataDir, "repos", "staging-apps.git"), ...args]).catch(() => "");
  for (let i = 0; i < tries; i++) {
    if ((await git("show", "main:staging/web/deployment.yaml")).includes(`nginx:${sha}`))
      return (await git("rev-parse", "main")).trim();
    await Bun.sleep(100);
  }
  throw new Error(`no commit deployed ${sha}`);
}

/** Posts Flux's notification `reason` about staging's gitops commit `hash` to the server at `url`. */
export async function postFluxEvent(url: string, fluxToken: string, hash: string, reason: string): Promise<void> {
  const res = await fetch(`${url}/api/flux-events?env=staging&access_token=${fluxToken}`, {
    method: "POST",
    body: JSON.stringify({ reason, message: reason, metadata: { revision: `main@sha1:${hash}` } }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}
