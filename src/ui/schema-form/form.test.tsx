import { describe, expect, test } from "bun:test";
import { render } from "preact-render-to-string";
import { decodeForm } from "./decode.ts";
import { SchemaFields } from "./form.tsx";
import type { JsonSchema } from "./schema.ts";
import { normalizeUiSchema, type UiSchema } from "./ui-schema.ts";
import { validateValue } from "./validate.ts";

/** The shape stack definitions use: `enabled` switches a `oneOf` branch through `dependencies`. */
const nginx: JsonSchema = {
  $schema: "http://json-schema.org/draft-07/schema",
  $id: "#nginx",
  type: "object",
  properties: { enabled: { $id: "#/properties/enabled", type: "boolean", title: "Enabled", default: false } },
  dependencies: {
    enabled: {
      oneOf: [
        { properties: { enabled: { const: false } } },
        {
          properties: {
            enabled: { const: true },
            host: { $id: "#/properties/host", type: "string", title: "Host", description: "Your company domain" },
          },
          required: ["host"],
        },
      ],
    },
  },
};

const rich: JsonSchema = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", title: "Name" },
    password: { type: "string" },
    notes: { type: "string" },
    replicas: { type: "integer", minimum: 1, default: 2 },
    ratio: { type: "number" },
    debug: { type: "boolean" },
    tier: { type: "string", enum: ["small", "large"] },
    tags: { type: "array", items: { type: "string" } },
    ports: { type: "array", items: { type: "integer" } },
    storage: { type: "object", title: "Storage", properties: { size: { type: "integer" }, class: { type: "string" } } },
    users: {
      type: "array",
      title: "Users",
      items: {
        type: "object",
        required: ["login"],
        properties: { login: { type: "string" }, admin: { type: "boolean" } },
      },
    },
    extra: { type: "object", additionalProperties: { type: "string" } },
  },
};
const richUi: UiSchema = {
  "ui:order": ["name", "tier", "*"],
  password: { "ui:widget": "password" },
  notes: { "ui:widget": "textarea", "ui:help": "Free text" },
};

const html = (props: Parameters<typeof SchemaFields>[0]) => render(<SchemaFields {...props} />);

function form(entries: [string, string][]): URLSearchParams {
  return new URLSearchParams(entries);
}

/** What a browser submits for a rendered form: every named control's current value. */
function submitted(markup: string, edits: Record<string, string | boolean> = {}): URLSearchParams {
  const out = new URLSearchParams();
  const re = /<(input|textarea|select)\b([^>]*)>(?:([\s\S]*?)<\/\1>)?/g;
  const attr = (a: string, n: string) => new RegExp(`\\s${n}="([^"]*)"`).exec(a)?.[1];
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  for (const m of markup.matchAll(re)) {
    const [, tag, attrs = "", body = ""] = m;
    const name = attr(attrs, "name");
    if (!name) continue;
    const key = unescape(name);
    const type = attr(attrs, "type");
    if (type === "checkbox") {
      const checked = key in edits ? edits[key] === true : /\schecked/.test(attrs);
      if (checked) out.append(key, unescape(attr(attrs, "value") ?? "on"));
    } else if (tag === "select") {
      const sel = /<option value="([^"]*)" selected/.exec(body)?.[1] ?? /<option value="([^"]*)"/.exec(body)?.[1] ?? "";
      out.append(key, key in edits && type !== "hidden" ? String(edits[key]) : unescape(sel));
    } else if (tag === "textarea") {
      out.append(key, key in edits ? String(edits[key]) : unescape(body));
    } else {
      out.append(key, key in edits && type !== "hidden" ? String(edits[key]) : unescape(attr(attrs, "value") ?? ""));
    }
  }
  return out;
}

describe("rendering", () => {
  test("a disabled component shows only its toggle; enabling reveals the branch's required field", () => {
    const off = html({ schema: nginx, value: undefined, root: ["nginx"] });
    expect(off).toContain('<input type="hidden" name="nginx.enabled" value="false"/>');
    expect(off).toContain('<input type="checkbox" value="true" id="sf-enabled" name="nginx.enabled"/>');
    expect(off).not.toContain("nginx.host");
    const on = html({ schema: nginx, value: { enabled: true }, root: ["nginx"] });
    expect(on).toContain('checked id="sf-enabled"');
    expect(on).toMatch(
      /<label for="sf-host" class="sf-label">Host<span class="sf-required" aria-hidden="true"> \*<\/span><\/label>/,
    );
    expect(on).toContain('<input type="text" autocomplete="off" id="sf-host" name="nginx.host" aria-required="true"');
    expect(on).toContain('<p class="sf-help" id="sf-host-help">Your company domain</p>');
  });

  test("widgets, order, help, defaults, enums, lists and nested objects", () => {
    const out = html({ schema: rich, uiSchema: richUi, value: { tags: ["a", "b"], users: [{ login: "ann" }] } });
    const order = ["name", "tier", "password", "notes", "replicas"].map((n) => out.indexOf(`name="${n}"`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(out).toContain('<input type="password" autocomplete="new-password" id="sf-password" name="password"');
    expect(out).toContain('<textarea rows="4" id="sf-notes" name="notes" aria-describedby="sf-notes-help"></textarea>');
    expect(out).toContain('<p class="sf-help" id="sf-notes-help">Free text</p>');
    expect(out).toContain('inputmode="numeric" autocomplete="off" id="sf-replicas" name="replicas" value="2"/>');
    expect(out).toContain(
      '<select id="sf-tier" name="tier"><option value>—</option><option value="small">small</option>',
    );
    expect(out).toContain('name="tags" aria-describedby="sf-tags-help">a\nb</textarea>');
    expect(out).toContain('<fieldset class="sf-object" id="sf-storage"><legend>Storage</legend>');
    expect(out).toContain('name="storage.size"');
    expect(out).toContain('<input type="hidden" name="users.__n" value="2"/>');
    expect(out).toContain('name="users.0.login" aria-required="true" value="ann"/>');
    expect(out).toContain("<legend>New item</legend>");
    expect(out).toContain('name="users.1.login"');
    expect(out).toContain('class="sf-code" id="sf-extra" name="extra"');
  });

  test("output is escaped: values, titles and messages cannot inject markup", () => {
    const evil = '"><script>alert(1)</script>';
    const schema: JsonSchema = {
      type: "object",
      properties: { "a.b<": { type: "string", title: evil, description: evil } },
    };
    const out = html({ schema, value: { "a.b<": evil }, errors: { "a~1b<": [evil] } });
    expect(out).not.toContain("<script>");
    expect(out).toContain("&lt;script>");
    expect(out).toContain('name="a~1b&lt;"');
    expect(out).toContain('value="&quot;>&lt;script>alert(1)&lt;/script>"');
  });

  test("errors are shown at their field, the rest in the summary", () => {
    const out = html({
      schema: rich,
      value: {},
      errors: { name: ["is required"], "users.0.login": ["is required"], "x.y": ["odd"] },
    });
    expect(out).toContain('<div class="sf-field sf-invalid"><label for="sf-name"');
    expect(out).toContain('aria-invalid="true"');
    expect(out).toContain('<p class="sf-error" id="sf-name-error">is required</p>');
    expect(out).toContain("3 problems to fix — see the fields below.");
    expect(out).toContain("<li><code>x.y</code>: odd</li>");
    expect(out).not.toContain("<li><code>name</code>");
  });
});

describe("form data → config", () => {
  test("types come from the schema: numbers, booleans, enums, lists, nested objects, list rows", () => {
    const d = decodeForm(
      rich,
      richUi,
      form([
        ["name", "web"],
        ["replicas", " 3 "],
        ["ratio", "0.5"],
        ["debug", "false"],
        ["debug", "true"],
        ["tier", "large"],
        ["tags", "a\r\n\r\nb \n"],
        ["ports", "80\n443"],
        ["storage.size", "10"],
        ["storage.class", ""],
        ["users.__n", "3"],
        ["users.0.login", "ann"],
        ["users.0.admin", "false"],
        ["users.1.login", "bob"],
        ["users.1.admin", "false"],
        ["users.1.admin", "true"],
        ["users.2.login", ""],
        ["users.2.admin", "false"],
        ["extra", '{"k": "v"}'],
      ]),
      [],
      undefined,
    );
    expect(d.errors).toEqual({});
    expect(d.value).toEqual({
      name: "web",
      replicas: 3,
      ratio: 0.5,
      debug: true,
      tier: "large",
      tags: ["a", "b"],
      ports: [80, 443],
      storage: { size: 10 },
      users: [
        { login: "ann", admin: false },
        { login: "bob", admin: true },
      ],
      extra: { k: "v" },
    });
  });

  test("fields not on the page keep their value; emptied fields are removed; rows can be removed", () => {
    const base = { enabled: false, host: "kept.example.com", other: 1 };
    const d1 = decodeForm(nginx, undefined, form([["nginx.enabled", "false"]]), ["nginx"], base);
    expect(d1.value).toEqual(base);
    const d2 = decodeForm(
      nginx,
      undefined,
      form([
        ["nginx.enabled", "false"],
        ["nginx.enabled", "true"],
        ["nginx.host", ""],
      ]),
      ["nginx"],
      base,
    );
    expect(d2.value).toEqual({ enabled: true, other: 1 });
    const d3 = decodeForm(
      rich,
      undefined,
      form([
        ["users.__n", "2"],
        ["users.0.__remove", "true"],
        ["users.0.login", "a"],
      ]),
      [],
      {
        name: "x",
        users: [{ login: "a" }],
      },
    );
    expect(d3.value).toEqual({ name: "x" });
  });

  test("text that is not a number is kept, so the schema's own message reports it", () => {
    const d = decodeForm(
      rich,
      undefined,
      form([
        ["name", "x"],
        ["replicas", "three"],
      ]),
      [],
      undefined,
    );
    expect(d.value).toEqual({ name: "x", replicas: "three" });
    expect(validateValue(rich, d.value)).toEqual({ replicas: ["must be integer"] });
    const bad = decodeForm(rich, undefined, form([["extra", "{nope"]]), [], { extra: { a: "b" } });
    expect(bad.value).toEqual({ extra: { a: "b" } });
    expect(bad.errors.extra?.[0]).toStartWith("must be valid JSON");
    expect(bad.raw.extra).toBe("{nope");
  });

  test("round trip: what is rendered for a value and submitted unchanged decodes to the same value", () => {
    const value = {
      name: "web",
      password: "s3cret&<",
      notes: "line 1\nline 2",
      replicas: 4,
      ratio: 1.5,
      debug: true,
      tier: "small",
      tags: ["x", "y"],
      ports: [8080],
      storage: { size: 5, class: "ssd" },
      users: [
        { login: "ann", admin: true },
        { login: "bob", admin: false },
      ],
      extra: { a: "1" },
    };
    const markup = html({ schema: rich, uiSchema: richUi, value, root: ["app"] });
    const d = decodeForm(rich, richUi, submitted(markup), ["app"], undefined);
    expect(d.value).toEqual(value);
    const edited = submitted(markup, { "app.users.2.login": "cy", "app.debug": false, "app.replicas": "7" });
    expect(decodeForm(rich, richUi, edited, ["app"], undefined).value).toEqual({
      ...value,
      debug: false,
      replicas: 7,
      users: [...value.users, { login: "cy", admin: false }],
    });
  });
});

describe("validation", () => {
  test("messages come from the branch the form shows, keyed by field", () => {
    expect(validateValue(nginx, { enabled: true })).toEqual({ host: ["is required"] });
    expect(validateValue(nginx, { enabled: false })).toEqual({});
    expect(validateValue(nginx, { enabled: true, host: "x" })).toEqual({});
    expect(validateValue(rich, { name: "a", replicas: 0, tier: "huge", users: [{}] })).toEqual({
      replicas: ["must be >= 1"],
      tier: ['must be one of "small", "large"'],
      "users.0.login": ["is required"],
    });
  });
});

describe("helm-ui arrays", () => {
  test("pointer keys become nested uiSchema and schemaIDs give the order", () => {
    const ui = normalizeUiSchema([
      {
        schemaIDs: ["#/properties/b", "#/properties/a"],
        uiSchema: { "#/properties/a": { "ui:widget": "password" }, "#/properties/o/properties/x": { "ui:help": "h" } },
        metaData: {},
      },
    ]);
    expect(ui).toEqual({ "ui:order": ["b", "a", "*"], a: { "ui:widget": "password" }, o: { x: { "ui:help": "h" } } });
  });
});
