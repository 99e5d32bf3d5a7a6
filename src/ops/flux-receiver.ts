/**
 * Asks Flux to pull now, through the Receiver written at bootstrap, instead of waiting for its poll
 * interval. Fire and forget: Flux still polls if this fails.
 */
import { createHash } from "node:crypto";
import type { OpsDeps } from "./deps.ts";

export async function wakeFlux(d: OpsDeps & { fetch?: typeof fetch }, envs: Iterable<string>): Promise<void> {
  const f = d.fetch ?? fetch;
  for (const name of envs) {
    const env = await d.store.env(name);
    if (!env?.fluxReceiverUrl || !env.fluxReceiverToken) continue;
    const receiver = `gitops-repo-${env.name}`;
    const path = createHash("sha256").update(`${env.fluxReceiverToken}${receiver}flux-system`).digest("hex");
    const url = `${env.fluxReceiverUrl.replace(/\/+$/, "")}/hook/${path}`;
    const init = {
      method: "POST",
      body: "{}",
      headers: { "Content-Type": "application/json" },
      signal: AbortSignal.timeout(5000),
    };
    void f(url, init)
      .then((r) => (r.ok ? undefined : d.log?.("flux receiver refused the wake-up", { env: name, status: r.status })))
      .catch((err) => d.log?.("flux receiver unreachable", { env: name, error: (err as Error).message }));
  }
}
