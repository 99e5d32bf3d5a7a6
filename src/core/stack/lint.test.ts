import { describe, expect, test } from "bun:test";
import { parseStackConfig, parseStackDefinition } from "./definition.ts";
import { lintStackConfig } from "./lint.ts";

// The original's schema style: fields chosen by `dependencies.enabled.oneOf`, `$id`s for the UI.
const definition = parseStackDefinition(`
components:
  - name: Nginx
    variable: nginx
    schema: |-
      {"$schema": "http://json-schema.org/draft-07/schema", "$id": "#nginx", "type": "object",
       "properties": {"enabled": {"$id": "#/properties/enabled", "type": "boolean"},
                      "replicas": {"$id": "#/properties/replicas", "type": "integer", "minimum": 1}},
       "dependencies": {"enabled": {"oneOf": [
         {"properties": {"enabled": {"const": false}}},
         {"properties": {"enabled": {"const": true}, "host": {"type": "string", "format": "hostname"}}, "required": ["host"]}]}}}
  - name: Loki
    variable: loki
    schema: '{"type": "object", "properties": {"enabled": {"type": "boolean"}}}'
`);

const lint = (text: string) =>
  lintStackConfig(definition, parseStackConfig(text, "stack.yaml")).map((p) => p.describe());

describe("lintStackConfig", () => {
  test("a valid config has no problems", () => {
    expect(
      lint("stack: {repository: x}\nconfig:\n  nginx: {enabled: true, host: a.com}\n  loki: {enabled: false}\n"),
    ).toEqual([]);
    expect(lint("stack: {repository: x}\nconfig:\n  nginx: {enabled: false}\n")).toEqual([]);
  });

  test("problems read stack.yaml:line: config.path: message, only from the branch that applies", () => {
    const text =
      "stack: {repository: x}\nconfig:\n  nginx:\n    enabled: true\n    replicas: 0\n  lokki:\n    enabled: true\n";
    expect(lint(text)).toEqual([
      "stack.yaml:3: config.nginx.host: is required",
      "stack.yaml:5: config.nginx.replicas: must be >= 1",
      "stack.yaml:6: config.lokki: unknown component (did you mean loki?)",
    ]);
  });

  test("a wrong type names the value's own line", () => {
    expect(lint("stack: {repository: x}\nconfig:\n  nginx:\n    enabled: true\n    host: 12\n")).toEqual([
      "stack.yaml:5: config.nginx.host: must be string",
    ]);
  });
});
