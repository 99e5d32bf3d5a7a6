import { describe, expect, test } from "bun:test";
import { UserError, ValidationError } from "../errors.ts";
import { parseStackConfig, parseStackDefinition, stringifyStackConfig } from "./definition.ts";

const definition = `---
name: Test stack
categories:
  - {name: "Ingress", id: ingress}
components:
  - name: Nginx
    variable: nginx
    category: ingress
    logo: https://example.com/nginx.png
    description: 'proxy'
    onePager: |-
      ### Nginx
    schema: |-
      {"$id": "#nginx", "type": "object", "properties": {"enabled": {"type": "boolean"}}}
    uiSchema: |-
      [{"schemaIDs": ["#nginx"], "uiSchema": {}, "metaData": {}}]
changeLog: |
  - first
message: done
`;

describe("parseStackDefinition", () => {
  test("reads categories and components with their schemas parsed from JSON strings", () => {
    const d = parseStackDefinition(definition);
    expect(d.name).toBe("Test stack");
    expect(d.categories).toEqual([{ id: "ingress", name: "Ingress" }]);
    const c = d.components[0]!;
    expect(c.variable).toBe("nginx");
    expect(c.variableName).toBe("nginx");
    expect(c.schema.$id).toBe("#nginx");
    expect(c.uiSchema).toEqual([{ schemaIDs: ["#nginx"], uiSchema: {}, metaData: {} }]);
    expect(c.line).toBe(6);
    expect(d.changeLog).toBe("- first\n");
  });

  test("a schema that is not JSON names the file and the line of the schema", () => {
    const bad = definition.replace(`{"$id": "#nginx"`, `{"$id: "#nginx"`);
    expect(() => parseStackDefinition(bad, "defs.yaml")).toThrow(UserError);
    try {
      parseStackDefinition(bad, "defs.yaml");
    } catch (e) {
      expect((e as UserError).describe()).toMatch(/^defs\.yaml:13: components\[0\]\.schema is not valid JSON/);
    }
  });

  test("components without a variable, or sharing one, are all reported", () => {
    const text = "components:\n  - name: a\n  - {name: b, variable: x}\n  - {name: c, variable: x}\n";
    try {
      parseStackDefinition(text, "d.yaml");
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).describe()).toBe(
        "d.yaml:2: components[0].variable: a component needs a `variable`: a template identifier like certManager\n" +
          "d.yaml:4: components[2].variable: variable x is used by two components",
      );
    }
  });
});

describe("parseStackConfig", () => {
  test("reads the repository and the config map, and knows each value's line", () => {
    const text =
      "---\nstack:\n  repository: https://x/y.git?tag=v1\nconfig:\n  nginx:\n    enabled: true\n    host: a.com\n  loki:\n";
    const l = parseStackConfig(text);
    expect(l.config).toEqual({
      stack: { repository: "https://x/y.git?tag=v1" },
      config: { nginx: { enabled: true, host: "a.com" }, loki: {} },
    });
    expect(l.lineOf(["config", "nginx", "host"])).toBe(7);
    expect(l.lineOf(["config", "nginx", "missing"])).toBe(5);
  });

  test("text that is not YAML is a UserError with the position", () => {
    expect(() => parseStackConfig("stack: [\n", "s.yaml")).toThrow(/YAML syntax error/);
  });

  test("a missing repository is an error naming the field", () => {
    expect(() => parseStackConfig("config: {}\n")).toThrow(/missing stack.repository/);
  });

  test("writes back what it read", () => {
    const c = { stack: { repository: "r?tag=v1" }, config: { nginx: { enabled: true } } };
    expect(parseStackConfig(stringifyStackConfig(c)).config).toEqual(c);
    expect(stringifyStackConfig(c).startsWith("---\nstack:\n")).toBe(true);
  });
});
