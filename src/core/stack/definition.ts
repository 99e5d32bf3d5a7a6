/**
 * The two files of a stack, in the original Gimlet's format so existing stack repositories and
 * infra repos work unchanged:
 * - `stack-definition.yaml` at the stack's root: categories, components (each with a JSON Schema
 *   and a uiSchema, both JSON *strings* in the original), a changeLog and a message;
 * - `stack.yaml` in the infra repo: `stack.repository` (which stack, which version) and `config`,
 *   a map of component variable → that component's values.
 * Both parsers keep the YAML nodes so every later problem (lint, a bad schema) names its line.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import { UserError, ValidationError } from "../errors.ts";
import { isPlainObject } from "../k8s.ts";
import { docToJs, parseYamlDocs, toYaml } from "../yaml.ts";

export interface StackCategory {
  id: string;
  name: string;
}

export interface StackComponent {
  name: string;
  /** The key of this component's values under `config` in stack.yaml (`variable:` in the file). */
  variable: string;
  /** The same as {@link variable}; the name the dashboard's code used for it. */
  variableName: string;
  description: string;
  /** A category id; may name no category (the original showed such components nowhere). */
  category: string;
  logo: string;
  /** Markdown. */
  onePager: string;
  /** JSON Schema (draft-07) of `config.<variable>`, parsed from the string in the file. */
  schema: Record<string, unknown>;
  /** helm-ui.json style: `[{schemaIDs, uiSchema, metaData}]`, parsed from the string in the file. */
  uiSchema: unknown[];
  /** Line of the component's entry in stack-definition.yaml. */
  line?: number;
}

export interface StackDefinition {
  name: string;
  description: string;
  /** Markdown shown before the categories. */
  intro: string;
  categories: StackCategory[];
  components: StackComponent[];
  /** Markdown: what this version changed (printed by `stack update`). */
  changeLog: string;
  /** Markdown printed after `stack generate`. */
  message: string;
}

/** Where a `stack.repository` points; see `parseStackRef` in ./source.ts. */
export interface StackConfig {
  stack: { repository: string };
  /** component variable → its values. */
  config: Record<string, Record<string, unknown>>;
}

/** Line of a path in a parsed YAML file: the deepest node on the path that exists. */
export type LineOf = (path: readonly (string | number)[]) => number | undefined;

export interface LoadedStackConfig {
  config: StackConfig;
  /** Line numbers of `stack.yaml`, for lint messages. */
  lineOf: LineOf;
  file: string;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

function singleDoc(text: string, file: string): { doc: Document.Parsed | undefined; lines: LineCounter } {
  const { docs, lines } = parseYamlDocs(text, file);
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length > 1) {
    throw new UserError("expected one YAML document, found " + nonEmpty.length, {
      pos: { file },
      hint: "remove the extra `---`",
    });
  }
  return { doc: nonEmpty[0], lines };
}

function lineFinder(doc: Document.Parsed | undefined, lines: LineCounter): LineOf {
  return (path) => {
    let node: unknown = doc?.contents;
    let line: number | undefined = lineOfNode(node, lines);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        line = lineOfNode(pair.key, lines) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
        node = node.items[seg];
        line = lineOfNode(node, lines) ?? line;
      } else break;
    }
    return line;
  };
}

function lineOfNode(node: unknown, lines: LineCounter): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

/** Parses a JSON string field (the original stores schemas as strings); a YAML map is taken as is. */
function jsonField(v: unknown, what: string, file: string, line: number | undefined): unknown {
  if (typeof v !== "string") return v;
  if (v.trim() === "") return undefined;
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new UserError(`${what} is not valid JSON: ${(e as Error).message}`, {
      pos: { file, line },
      hint: "the schema and uiSchema of a component are JSON strings (a `|-` block)",
    });
  }
}

/** Parses `stack-definition.yaml`; every problem names its line. */
export function parseStackDefinition(text: string, file = "stack-definition.yaml"): StackDefinition {
  const { doc, lines } = singleDoc(text, file);
  const lineOf = lineFinder(doc, lines);
  const data = doc ? docToJs(doc, file) : undefined;
  if (!isPlainObject(data)) {
    throw new UserError("a stack definition is a YAML map (name, categories, components, …)", {
      pos: { file, line: 1 },
    });
  }
  const problems: UserError[] = [];
  const problem = (path: (string | number)[], message: string, hint?: string) =>
    problems.push(
      new UserError(message, { pos: { file, line: lineOf(path) }, path: fieldPath(path), ...(hint ? { hint } : {}) }),
    );

  const categories: StackCategory[] = [];
  const rawCats = data.categories ?? [];
  if (!Array.isArray(rawCats)) problem(["categories"], "must be a list of {name, id}");
  else {
    rawCats.forEach((c, i) => {
      if (!isPlainObject(c) || typeof c.id !== "string" || !c.id) problem(["categories", i], "a category needs an id");
      else categories.push({ id: c.id, name: str(c.name) || c.id });
    });
  }

  const components: StackComponent[] = [];
  const rawComps = data.components ?? [];
  const seen = new Set<string>();
  if (!Array.isArray(rawComps)) problem(["components"], "must be a list of components");
  else {
    rawComps.forEach((c, i) => {
      const at = ["components", i];
      if (!isPlainObject(c)) return problem(at, "a component is a map (name, variable, category, schema, …)");
      const variable = c.variable;
      if (typeof variable !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        return problem([...at, "variable"], "a component needs a `variable`: a template identifier like certManager");
      }
      if (seen.has(variable)) return problem([...at, "variable"], `variable ${variable} is used by two components`);
      seen.add(variable);
      const line = lineOf(at);
      let schema: unknown;
      let uiSchema: unknown;
      try {
        schema = jsonField(c.schema, `components[${i}].schema`, file, lineOf([...at, "schema"])) ?? { type: "object" };
        uiSchema = jsonField(c.uiSchema, `components[${i}].uiSchema`, file, lineOf([...at, "uiSchema"])) ?? [];
      } catch (e) {
        if (e instanceof UserError) return void problems.push(e);
        throw e;
      }
      if (!isPlainObject(schema)) return problem([...at, "schema"], "the schema must be a JSON object");
      if (!Array.isArray(uiSchema)) return problem([...at, "uiSchema"], "the uiSchema must be a JSON array");
      components.push({
        name: str(c.name) || variable,
        variable,
        variableName: variable,
        description: str(c.description),
        category: str(c.category),
        logo: str(c.logo),
        onePager: str(c.onePager),
        schema,
        uiSchema,
        ...(line !== undefined ? { line } : {}),
      });
    });
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new ValidationError(problems);
  return {
    name: str(data.name),
    description: str(data.description),
    intro: str(data.intro),
    categories,
    components,
    changeLog: str(data.changeLog),
    message: str(data.message),
  };
}

/** `config.nginx.host`, `components[2].variable`. */
function fieldPath(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** Parses `stack.yaml`. A file that is not YAML, or has no `stack.repository`, is a clear error. */
export function parseStackConfig(text: string, file = "stack.yaml"): LoadedStackConfig {
  const { doc, lines } = singleDoc(text, file);
  const lineOf = lineFinder(doc, lines);
  const data = doc ? docToJs(doc, file) : undefined;
  const example = "e.g. `stack: {repository: <git URL>?tag=v1.0.0}` and `config: {nginx: {enabled: true}}`";
  if (!isPlainObject(data)) {
    throw new UserError("stack.yaml must be a YAML map with `stack` and `config`", {
      pos: { file, line: 1 },
      hint: example,
    });
  }
  const stack = data.stack;
  if (!isPlainObject(stack) || typeof stack.repository !== "string" || stack.repository.trim() === "") {
    throw new UserError("missing stack.repository: which stack to generate from", {
      pos: { file, line: lineOf(["stack", "repository"]) },
      path: "stack.repository",
      hint: "e.g. repository: https://github.com/gimlet-io/gimlet-stack-reference.git?tag=v0.41.0",
    });
  }
  const rawConfig = data.config ?? {};
  if (!isPlainObject(rawConfig)) {
    throw new UserError("config must be a map of component → its values", {
      pos: { file, line: lineOf(["config"]) },
      path: "config",
    });
  }
  const config: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(rawConfig)) {
    if (v === null || v === undefined) config[k] = {};
    else if (isPlainObject(v)) config[k] = v;
    else {
      throw new UserError("a component's config is a map, e.g. {enabled: true}", {
        pos: { file, line: lineOf(["config", k]) },
        path: `config.${k}`,
      });
    }
  }
  return { config: { stack: { repository: stack.repository.trim() }, config }, lineOf, file };
}

/** stack.yaml as the original wrote it (`---` first; `stack` then `config`). */
export function stringifyStackConfig(c: StackConfig): string {
  return "---\n" + toYaml({ stack: { repository: c.stack.repository }, config: c.config });
}

/** stack.yaml's text with `stack.repository` replaced, comments and layout kept. */
export function setRepository(text: string, repository: string, file = "stack.yaml"): string {
  const { doc } = singleDoc(text, file);
  if (!doc) return stringifyStackConfig({ stack: { repository }, config: {} });
  doc.setIn(["stack", "repository"], repository);
  const out = doc.toString({ lineWidth: 0 });
  return text.startsWith("---") && !out.startsWith("---") ? `---\n${out}` : out;
}
