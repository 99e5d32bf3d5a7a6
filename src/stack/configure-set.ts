/**
 * `gimlet stack configure --set comp.key=value`: each assignment is checked against the
 * component's schema (unknown component or key → did-you-mean; the value typed by the schema),
 * then every touched component is validated as a whole. Pure: the command reads and writes.
 */
import { closestName } from "../core/did-you-mean.ts";
import { UserError, ValidationError } from "../core/errors.ts";
import { isPlainObject } from "../core/k8s.ts";
import type { StackDefinition } from "../core/stack/index.ts";
import { describeErrors, kindOf, validateValue, type JsonSchema } from "../ui/schema-form/index.ts";

const hint = "use --set component.key=value, e.g. --set nginx.enabled=true";

function didYouMean(key: string, known: string[], what: string): string {
  const best = closestName(key, known, Math.max(2, Math.floor(key.length / 3)));
  return best ? `did you mean ${best}?` : `${what}: ${known.join(", ") || "(none)"}`;
}

/** Every property an object may have: its own and those of each `dependencies` branch. */
function allProperties(s: JsonSchema): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = { ...s.properties };
  for (const dep of Object.values(s.dependencies ?? {})) {
    if (Array.isArray(dep)) continue;
    for (const b of dep.oneOf ?? dep.anyOf ?? [dep]) {
      for (const [k, p] of Object.entries(b.properties ?? {}))
        if (!(k in out) || !("const" in p)) out[k] = { ...out[k], ...p };
    }
  }
  return out;
}

function coerce(s: JsonSchema, text: string, where: string): unknown {
  const fail = (what: string): never => {
    throw new UserError(`${where} expects ${what}, got ${JSON.stringify(text)}`, { hint });
  };
  switch (kindOf(s)) {
    case "boolean":
      return text === "true" ? true : text === "false" ? false : fail("true or false");
    case "integer":
    case "number": {
      const n = Number(text.trim());
      return text.trim() !== "" && Number.isFinite(n) ? n : fail("a number");
    }
    case "enum": {
      const hit = s.enum!.find((e) => String(e) === text);
      return hit !== undefined ? hit : fail(`one of ${s.enum!.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    case "string":
      return text;
    case "stringList":
      if (text.trim().startsWith("[")) break;
      return text === ""
        ? []
        : text.split(",").map((t, i) => coerce(s.items as JsonSchema, t.trim(), `${where}[${i}]`));
  }
  try {
    return JSON.parse(text);
  } catch {
    return fail("JSON (an object or a list)");
  }
}

function setIn(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let cur: Record<string, unknown> = target;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** The new config of every component the assignments touch, validated; throws on any problem. */
export function applySets(
  definition: StackDefinition,
  config: Record<string, Record<string, unknown>>,
  sets: string[],
): Map<string, Record<string, unknown>> {
  const touched = new Map<string, Record<string, unknown>>();
  const variables = definition.components.map((c) => c.variable);
  for (const set of sets) {
    const eq = set.indexOf("=");
    if (eq <= 0) throw new UserError(`--set ${JSON.stringify(set)} is not component.key=value`, { hint });
    const keys = set.slice(0, eq).split(".");
    const text = set.slice(eq + 1);
    const [variable, ...path] = keys as [string, ...string[]];
    const component = definition.components.find((c) => c.variable === variable);
    if (!component) {
      throw new UserError(`unknown component ${variable}`, {
        path: `--set ${set}`,
        hint: didYouMean(variable, variables, "components of this stack"),
      });
    }
    if (path.length === 0)
      throw new UserError(`--set ${set} names no key of ${variable}`, { hint: `e.g. --set ${variable}.enabled=true` });
    let s = component.schema as JsonSchema;
    for (let i = 0; i < path.length; i++) {
      const props = allProperties(s);
      const key = path[i]!;
      const where = [variable, ...path.slice(0, i + 1)].join(".");
      if (!props[key]) {
        if (kindOf(s) !== "object")
          throw new UserError(`${[variable, ...path.slice(0, i)].join(".")} has no keys`, { path: where, hint });
        throw new UserError(`unknown key ${where}`, {
          path: `--set ${set}`,
          hint: didYouMean(key, Object.keys(props), `keys of ${[variable, ...path.slice(0, i)].join(".")}`),
        });
      }
      s = props[key]!;
    }
    const value = coerce(s, text, keys.join("."));
    const current = touched.get(variable) ?? structuredClone(config[variable] ?? {});
    setIn(current, path, value);
    touched.set(variable, current);
  }
  const problems: UserError[] = [];
  for (const [variable, value] of touched) {
    const schema = definition.components.find((c) => c.variable === variable)!.schema as JsonSchema;
    for (const line of describeErrors(validateValue(schema, value), `config.${variable}`)) {
      problems.push(new UserError(line.slice(line.indexOf(": ") + 2), { path: line.slice(0, line.indexOf(": ")) }));
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length) throw new ValidationError(problems);
  return touched;
}
