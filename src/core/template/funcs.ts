/** The default function map: Sprig (minus the nondeterministic and I/O ones), Helm's toYaml/fromYaml/required, gimlet's sanitizeDNSName. */
import { ANY, def } from "./args.ts";
import { sanitizeDNSName } from "./sanitize.ts";
import { dateFuncs } from "./sprig-date.ts";
import { dictFuncs } from "./sprig-dicts.ts";
import { encodingFuncs } from "./sprig-encoding.ts";
import { flowFuncs } from "./sprig-flow.ts";
import { listFuncs } from "./sprig-lists.ts";
import { mathFuncs } from "./sprig-math.ts";
import { regexFuncs } from "./sprig-regex.ts";
import { semverFuncs } from "./semver.ts";
import { stringFuncs } from "./sprig-strings.ts";
import type { GoFunc } from "./values.ts";

const clockFree: Record<string, GoFunc> = {
  ...stringFuncs,
  ...listFuncs,
  ...dictFuncs,
  ...mathFuncs,
  ...flowFuncs,
  ...encodingFuncs,
  ...regexFuncs,
  ...semverFuncs,
  sanitizeDNSName: def(["string"], sanitizeDNSName),
};

const systemClock = (): Date => new Date();
// Maps are reused per clock so repeated renders with the same options build nothing.
const byClock = new WeakMap<() => Date, ReadonlyMap<string, GoFunc>>();

/** Caller functions take any arguments; Go would check them against their declared types. */
export function callerFunc(fn: (...args: any[]) => unknown): GoFunc {
  return def([], fn, ANY);
}

export function funcMap(
  now?: () => Date,
  extra?: Record<string, (...args: any[]) => unknown>,
): ReadonlyMap<string, GoFunc> {
  const clock = now ?? systemClock;
  if (!extra) {
    let map = byClock.get(clock);
    if (!map) byClock.set(clock, (map = new Map(Object.entries({ ...clockFree, ...dateFuncs(clock) }))));
    return map;
  }
  const map = new Map(Object.entries({ ...clockFree, ...dateFuncs(clock) }));
  for (const [name, fn] of Object.entries(extra ?? {})) map.set(name, callerFunc(fn));
  return map;
}
