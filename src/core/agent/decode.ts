/**
 * The server's reading of what an agent posts (wire.ts): shape checks that name the bad field, so a
 * broken or hostile agent gets a 400 saying what is wrong and nothing half-valid is kept. Checks
 * what the server and its consumers index by or render (keys, names, statuses, counts); extra
 * fields pass through untouched so a newer agent's additions reach the dashboard.
 */
import { UserError } from "../errors.ts";
import type { AppState, EnvState, FluxObjectState } from "./state.ts";
import type { AgentSnapshot, AgentUpdate, CommandResult, LogChunk } from "./wire.ts";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function bad(path: string, message: string): never {
  throw new UserError(message, { path });
}

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) bad(path, "must be a JSON object");
  return v;
}

function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) bad(path, "must be a list");
  return v;
}

function str(o: Obj, k: string, path: string, opts: { optional?: boolean; empty?: boolean } = {}): void {
  const v = o[k];
  if (v === undefined && opts.optional) return;
  if (typeof v !== "string") bad(`${path}.${k}`, "must be a string");
  if (!opts.empty && v === "") bad(`${path}.${k}`, "must not be empty");
}

function int(o: Obj, k: string, path: string, optional = false): void {
  const v = o[k];
  if (v === undefined && optional) return;
  if (!Number.isSafeInteger(v) || (v as number) < 0) bad(`${path}.${k}`, "must be a whole number ≥ 0");
}

function header(b: unknown, env: string): Obj {
  const o = obj(b, "body");
  if (o.v !== 1) bad("body.v", `must be 1 (this server speaks wire version 1), got ${JSON.stringify(o.v)}`);
  str(o, "env", "body");
  if (o.env !== env) bad("body.env", `is ${JSON.stringify(o.env)} but the request is for env ${JSON.stringify(env)}`);
  str(o, "epoch", "body");
  if ((o.epoch as string).length > 200) bad("body.epoch", "is longer than 200 characters");
  int(o, "seq", "body");
  return o;
}

function app(v: unknown, path: string): AppState {
  const a = obj(v, path);
  for (const k of ["key", "name", "namespace", "service"]) str(a, k, path);
  for (const k of ["repo", "branch", "sha"]) str(a, k, path, { optional: true, empty: true });
  if (a.workload !== undefined) {
    const w = obj(a.workload, `${path}.workload`);
    if (w.kind !== "Deployment" && w.kind !== "StatefulSet")
      bad(`${path}.workload.kind`, "must be Deployment or StatefulSet");
    str(w, "name", `${path}.workload`);
    const r = obj(w.replicas, `${path}.workload.replicas`);
    for (const k of ["desired", "updated", "ready", "available"]) int(r, k, `${path}.workload.replicas`);
    const ro = obj(w.rollout, `${path}.workload.rollout`);
    if (!["progressing", "complete", "failed"].includes(ro.status as string)) {
      bad(`${path}.workload.rollout.status`, "must be progressing, complete or failed");
    }
  }
  list(a.pods, `${path}.pods`).forEach((p, i) => {
    const at = `${path}.pods[${i}]`;
    const o = obj(p, at);
    str(o, "name", at);
    str(o, "status", at);
    str(o, "ready", at, { empty: true });
    int(o, "restarts", at);
    if (o.containers !== undefined) {
      list(o.containers, `${at}.containers`).forEach((n, j) => {
        if (typeof n !== "string" || !n) bad(`${at}.containers[${j}]`, "must be a container name");
      });
    }
  });
  list(a.ingresses, `${path}.ingresses`).forEach((g, i) => {
    const o = obj(g, `${path}.ingresses[${i}]`);
    str(o, "name", `${path}.ingresses[${i}]`);
    str(o, "url", `${path}.ingresses[${i}]`);
  });
  list(a.events, `${path}.events`).forEach((e, i) => obj(e, `${path}.events[${i}]`));
  return a as unknown as AppState;
}

function flux(v: unknown, path: string): FluxObjectState[] {
  return list(v, path).map((f, i) => {
    const at = `${path}[${i}]`;
    const o = obj(f, at);
    if (!["GitRepository", "Kustomization", "HelmRelease"].includes(o.kind as string)) {
      bad(`${at}.kind`, "must be GitRepository, Kustomization or HelmRelease");
    }
    str(o, "namespace", at);
    str(o, "name", at);
    str(o, "ready", at, { empty: true });
    return o as unknown as FluxObjectState;
  });
}

function apps(v: unknown, path: string): AppState[] {
  const out = list(v, path).map((a, i) => app(a, `${path}[${i}]`));
  const seen = new Set<string>();
  out.forEach((a, i) => {
    if (seen.has(a.key)) bad(`${path}[${i}].key`, `${JSON.stringify(a.key)} appears twice`);
    seen.add(a.key);
  });
  return out;
}

/** A full snapshot for `env`; apps sorted by key whatever order they came in. */
export function decodeSnapshot(b: unknown, env: string): AgentSnapshot {
  const o = header(b, env);
  const s = obj(o.state, "body.state");
  str(s, "env", "body.state");
  if (s.env !== env)
    bad("body.state.env", `is ${JSON.stringify(s.env)} but the request is for env ${JSON.stringify(env)}`);
  str(s, "namespace", "body.state", { optional: true, empty: true });
  const state: EnvState = {
    ...(s as unknown as EnvState),
    apps: apps(s.apps, "body.state.apps").sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    flux: flux(s.flux, "body.state.flux"),
  };
  return { v: 1, env, epoch: o.epoch as string, seq: o.seq as number, state };
}

export function decodeUpdate(b: unknown, env: string): AgentUpdate {
  const o = header(b, env);
  const removed = list(o.removed, "body.removed").map((k, i) => {
    if (typeof k !== "string" || !k) bad(`body.removed[${i}]`, "must be a non-empty string");
    return k;
  });
  const u: AgentUpdate = {
    v: 1,
    env,
    epoch: o.epoch as string,
    seq: o.seq as number,
    upserts: apps(o.upserts, "body.upserts"),
    removed,
  };
  if (o.flux !== undefined) u.flux = flux(o.flux, "body.flux");
  return u;
}

export function decodeResult(b: unknown): CommandResult {
  const o = obj(b, "body");
  if (o.ok === true) return o.data === undefined ? { ok: true } : { ok: true, data: o.data };
  if (o.ok !== false) bad("body.ok", "must be true or false");
  str(o, "error", "body", { empty: true });
  int(o, "status", "body", true);
  return { ok: false, error: o.error as string, ...(o.status !== undefined ? { status: o.status as number } : {}) };
}

export function decodeLogChunk(b: unknown): LogChunk {
  const o = obj(b, "body");
  const lines = list(o.lines, "body.lines").map((l, i) => {
    if (typeof l !== "string") bad(`body.lines[${i}]`, "must be a string");
    return l;
  });
  if (o.done !== undefined && typeof o.done !== "boolean") bad("body.done", "must be a boolean");
  str(o, "error", "body", { optional: true, empty: true });
  int(o, "dropped", "body", true);
  return {
    lines,
    ...(o.done ? { done: true } : {}),
    ...(o.error ? { error: o.error as string } : {}),
    ...(o.dropped ? { dropped: o.dropped as number } : {}),
  };
}
