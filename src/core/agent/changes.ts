/** Pure deltas between two states of an env: which apps to replace, which are gone, Flux if changed. */
import type { AppState, EnvState, FluxObjectState, StateChanges } from "./state.ts";

function diffApps(prev: ReadonlyMap<string, AppState>, next: ReadonlyMap<string, AppState>): StateChanges {
  const upserts: AppState[] = [];
  const removed: string[] = [];
  for (const [key, app] of next) {
    const before = prev.get(key);
    if (!before || !sameJson(before, app)) upserts.push(app);
  }
  for (const key of prev.keys()) if (!next.has(key)) removed.push(key);
  return { upserts, removed };
}

export function diffState(prev: EnvState, next: EnvState): StateChanges {
  const byKey = (s: EnvState) => new Map(s.apps.map((a) => [a.key, a]));
  const changes = diffApps(byKey(prev), byKey(next));
  if (!sameJson(prev.flux, next.flux)) changes.flux = next.flux;
  return changes;
}

/** Applies changes to a state: what the server does with an update. */
export function applyChanges(state: EnvState, c: StateChanges): EnvState {
  const apps = new Map(state.apps.map((a) => [a.key, a]));
  for (const k of c.removed) apps.delete(k);
  for (const a of c.upserts) apps.set(a.key, a);
  const sorted = [...apps.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...state, apps: sorted, flux: c.flux ?? state.flux };
}

type Comparable = AppState | FluxObjectState[] | undefined;

export function sameJson(a: Comparable, b: Comparable): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
