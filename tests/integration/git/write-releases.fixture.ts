/** Child process for the two-writer test: clone the remote, then write N releases, pushing each. */
import { cloneBare, GitopsRepo } from "../../../src/git/index.ts";

const [url, dir, who, n] = Bun.argv.slice(2) as [string, string, string, string];
const repo = await cloneBare({ url }, dir);
const g = await GitopsRepo.open(repo, { branch: "main", push: true, backoffMs: 5, maxRetries: 20 });
for (let i = 0; i < Number(n); i++) {
  const app = `${who}-${i}`;
  const r = await g.writeRelease({ env: "e" }, app, [{ path: "deployment.yaml", content: `v: ${i}\n` }], {
    app,
    env: "e",
    gitopsRef: "",
    gitopsRepo: "",
  });
  if (!r.pushed) throw new Error(`${app} not pushed`);
}
