/**
 * Live apps through `gimlet serve` and the env's agent: `gimlet env status ENV` (apps and pods as
 * tables, like `kubectl get`), `gimlet logs ENV APP [-f]`, `gimlet restart ENV APP`.
 */
import { defineCommand } from "citty";
import type { AppState, EnvState } from "../core/agent/state.ts";
import type { EnvStateView, LogStreamEvent } from "../core/agent/view.ts";
import { UserError } from "../core/errors.ts";
import { parseWholeNumber } from "../core/params.ts";
import { SseParser } from "../core/sse.ts";
import { client, serverFlags } from "./client.ts";
import { stderr, stdout } from "./io.ts";
import { age, outputFlag, printResult } from "./output.ts";

const enc = encodeURIComponent;
const nsFlag = {
  namespace: { type: "string", alias: "n", description: "The app's namespace, when its name exists in several" },
} as const;
const nsQuery = (ns: string | undefined) => (ns ? `namespace=${enc(ns)}` : "");

/** Columns padded like `kubectl get`: three spaces between, no trailing blanks. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3)))
      .join("")
      .trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

/** kubectl's short ages: 45s, 12m, 5h, 3d. */
export function shortAge(iso: string | undefined, now = Date.now()): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(t)) return "-";
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const short = (sha: string | undefined) => (sha ? sha.slice(0, 8) : "-");

function appRow(a: AppState): string[] {
  const w = a.workload;
  const ready = w
    ? `${w.replicas.ready}/${w.replicas.desired}`
    : `${a.pods.filter((p) => p.status === "Running").length}/${a.pods.length}`;
  return [
    a.name,
    a.namespace,
    w ? `${w.kind}/${w.name}` : "-",
    ready,
    short(w?.sha ?? a.sha),
    w ? w.rollout.status + (w.rollout.status === "failed" && w.rollout.reason ? ` (${w.rollout.reason})` : "") : "-",
    a.ingresses.map((i) => i.url).join(",") || "-",
  ];
}

export function statusText(v: EnvStateView, now = Date.now()): string {
  const a = v.agent;
  const who = a.connected
    ? `agent connected${a.namespace ? ` (namespace ${a.namespace})` : ""}`
    : `no agent connected${a.lastSeen ? `, last seen ${age(a.lastSeen, now)}` : ""}`;
  const stale =
    v.stale && v.updated ? `; state as of ${age(v.updated, now)} (stale)` : v.stale ? "; no state reported yet" : "";
  const out = [`env ${v.env}: ${who}${stale}\n`];
  const s: EnvState = v.state;
  if (!s.apps.length) out.push("no apps\n");
  else {
    out.push("\n" + table(["APP", "NAMESPACE", "WORKLOAD", "READY", "SHA", "ROLLOUT", "URL"], s.apps.map(appRow)));
    const pods = s.apps.flatMap((app) =>
      app.pods.map((p) => [
        p.name,
        app.name,
        p.status,
        p.ready,
        String(p.restarts),
        p.node ?? "-",
        shortAge(p.createdAt, now),
      ]),
    );
    if (pods.length) out.push("\n" + table(["POD", "APP", "STATUS", "READY", "RESTARTS", "NODE", "AGE"], pods));
    const why = s.apps.flatMap((app) =>
      app.pods.filter((p) => p.statusDescription).map((p) => `  ${p.name}: ${p.statusDescription}`),
    );
    if (why.length) out.push(why.join("\n") + "\n");
  }
  if (s.flux.length) {
    const rows = s.flux.map((f) => [
      `${f.kind}/${f.namespace}/${f.name}`,
      f.suspended ? `${f.ready} (suspended)` : f.ready,
      short(f.appliedRevision ?? f.fetchedRevision),
      (f.message ?? "").split("\n")[0]!.slice(0, 80),
    ]);
    out.push("\n" + table(["FLUX", "READY", "REVISION", "MESSAGE"], rows));
  }
  return out.join("");
}

export const envStatus = defineCommand({
  meta: { name: "status", description: "Apps and pods of an env as its agent reports them" },
  args: { env: { type: "positional", required: true, description: "Environment" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const v = await client(args).call<EnvStateView>("GET", `/api/envs/${enc(args.env)}/state`);
    await printResult(v, args.output, (x) => statusText(x));
  },
});

const appArgs = {
  env: { type: "positional", required: true, description: "Environment" },
  app: { type: "positional", required: true, description: "App name" },
} as const;

export const restart = defineCommand({
  meta: { name: "restart", description: "Restart an app's pods (kubectl rollout restart) through the env's agent" },
  args: { ...appArgs, ...nsFlag, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const q = nsQuery(args.namespace);
    const path = `/api/envs/${enc(args.env)}/apps/${enc(args.app)}/restart${q ? `?${q}` : ""}`;
    const r = await client(args).call<{ kind: string; namespace: string; name: string; restartedAt?: string }>(
      "POST",
      path,
    );
    await printResult(
      r,
      args.output,
      (x) => `restarted ${x.kind} ${x.namespace}/${x.name}${x.restartedAt ? ` at ${x.restartedAt}` : ""}\n`,
    );
  },
});

export const logs = defineCommand({
  meta: { name: "logs", description: "Print (or follow) an app's pod logs through the env's agent" },
  args: {
    ...appArgs,
    follow: { type: "boolean", alias: "f", default: false, description: "Keep streaming new lines" },
    tail: { type: "string", description: "Lines from the end of each pod's log", valueHint: "N" },
    container: { type: "string", alias: "c", description: "Container (default: the pod's first)" },
    ...nsFlag,
    ...serverFlags,
  },
  async run({ args }) {
    const q = [
      args.follow ? "follow=1" : "",
      args.tail !== undefined ? `tail=${parseWholeNumber(args.tail, "--tail", 100_000)}` : "",
      args.container ? `container=${enc(args.container)}` : "",
      nsQuery(args.namespace),
    ].filter(Boolean);
    const c = client(args);
    const res = await c.stream!(
      `/api/envs/${enc(args.env)}/apps/${enc(args.app)}/logs${q.length ? `?${q.join("&")}` : ""}`,
    );
    if (!res.ok) {
      const text = await res.text();
      let msg = text;
      try {
        msg = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {}
      throw new UserError(`logs of ${args.app} in ${args.env}: HTTP ${res.status}: ${msg}`);
    }
    await printLogs(res.body!);
  },
});

/** Prints the log stream; several pods' lines get a `[pod]` prefix, as `kubectl logs --prefix`. */
async function printLogs(body: ReadableStream<Uint8Array>): Promise<void> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  let prefix = false;
  const errors: string[] = [];
  for await (const chunk of body) {
    for (const m of parser.push(decoder.decode(chunk, { stream: true }))) {
      const e = { event: m.event, data: JSON.parse(m.data) } as LogStreamEvent;
      switch (e.event) {
        case "start":
          prefix = e.data.pods.length > 1;
          break;
        case "log": {
          const p = prefix ? `[${e.data.pod}] ` : "";
          if (e.data.dropped) await stderr(`${p}… ${e.data.dropped} lines dropped (the viewer fell behind)\n`);
          if (e.data.lines.length) await stdout(e.data.lines.map((l) => p + l + "\n").join(""));
          break;
        }
        case "pod-end":
          if (e.data.error) {
            errors.push(`${e.data.pod}: ${e.data.error}`);
            await stderr(`${e.data.pod}: ${e.data.error}\n`);
          }
          break;
        case "end":
          if (errors.length) throw new UserError(`log stream ended with errors: ${errors.join("; ")}`);
          return;
      }
    }
  }
  throw new UserError("the server closed the log stream before it ended", { hint: "run the command again" });
}
