import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isBuiltinChart, renderBuiltinChart, validateValues } from "./index.ts";
import { robustName } from "./names.ts";
import { coalesce, mergeOverwrite } from "./values.ts";

const release = { name: "My_App.v2", namespace: "ns", chartName: "onechart" as const };

describe("robustName()", () => {
  test("turns non-word runs and underscores into dashes, lowercases, trims to 63", () => {
    expect(robustName("My_App.v2")).toBe("my-app-v2");
    expect(robustName("a".repeat(70))).toHaveLength(63);
    expect(robustName("x".repeat(62) + "-y")).toBe("x".repeat(62));
  });
});

describe("coalesce() and mergeOverwrite()", () => {
  test("user values merge into defaults deeply, lists replace, null deletes", () => {
    expect(coalesce({ a: { b: 1, c: 2 }, l: [1], d: 1 }, { a: { c: 3 }, l: [2], d: null })).toEqual({
      a: { b: 1, c: 3 },
      l: [2],
    });
  });

  test("coalesce: zero and empty user values win; null deletes only what has a default (helm 3.22)", () => {
    expect(coalesce({ p: { fsGroup: 999 }, l: [1], s: "x" }, { p: { fsGroup: 0 }, l: [], s: "" })).toEqual({
      p: { fsGroup: 0 },
      l: [],
      s: "",
    });
    // A null without a default stays: helm keeps it, the templates treat it as empty.
    expect(coalesce({ v: {} }, { v: { X: null }, u: null })).toEqual({ v: { X: null }, u: null });
    expect(coalesce({ r: { limits: { cpu: "1" }, requests: {} } }, { r: { limits: null } })).toEqual({
      r: { requests: {} },
    });
  });

  test("mergeOverwrite: every source value replaces, zero, empty and null ones too (mergo WithOverride)", () => {
    expect(mergeOverwrite({ a: { b: 1 }, f: true }, { a: { c: 2 }, f: false })).toEqual({
      a: { b: 1, c: 2 },
      f: false,
    });
    expect(
      mergeOverwrite({ ports: [{ n: 1 }], sc: { fsGroup: 999 }, s: "x" }, { ports: [], sc: { fsGroup: 0 }, s: "" }),
    ).toEqual({
      ports: [],
      sc: { fsGroup: 0 },
      s: "",
    });
    expect(mergeOverwrite({ r: { a: 1 } }, { r: null })).toEqual({ r: null });
  });
});

describe("renderBuiltinChart()", () => {
  test("names every object after the robust release name and labels them like onechart", () => {
    const objs = renderBuiltinChart({ vars: { A: "1" } }, release);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ConfigMap/my-app-v2",
      "Service/my-app-v2",
      "Deployment/my-app-v2",
    ]);
    expect(objs[0]!.metadata.labels).toEqual({
      "helm.sh/chart": "onechart-0.74.0",
      "app.kubernetes.io/name": "onechart",
      "app.kubernetes.io/instance": "my-app-v2",
      "app.kubernetes.io/managed-by": "Helm",
    });
  });

  test("changes checksum/config when, and only when, vars change", () => {
    const sum = (vars: object, extra: object = {}) => {
      const d = renderBuiltinChart({ vars, ...extra }, release).find((o) => o.kind === "Deployment")!;
      return (d.spec as any).template.metadata.annotations["checksum/config"];
    };
    expect(sum({ A: "1" })).not.toBe(sum({ A: "2" }));
    expect(sum({ A: "1" })).toBe(sum({ A: "1" }, { replicas: 3 }));
  });

  test("puts the gimlet.io annotations the agent keys on onto the Service", () => {
    const svc = renderBuiltinChart({ gitRepository: "acme/web", gitSha: "abc", gitBranch: "main" }, release).find(
      (o) => o.kind === "Service",
    )!;
    expect(svc.metadata.annotations).toMatchObject({
      "gimlet.io/git-repository": "acme/web",
      "gimlet.io/git-sha": "abc",
      "gimlet.io/git-branch": "main",
    });
  });

  test("renders the same basic-auth Secret every time", () => {
    const a = renderBuiltinChart({ ingress: { host: "h", nginxBasicAuth: { user: "u", password: "p" } } }, release);
    const b = renderBuiltinChart({ ingress: { host: "h", nginxBasicAuth: { user: "u", password: "p" } } }, release);
    expect(a).toEqual(b);
    const secret = a.find((o) => o.kind === "Secret")!;
    expect(atob((secret as any).data.auth)).toMatch(/^u:\{SSHA\}/);
  });

  test("renders a CronJob for the cron-job chart", () => {
    const objs = renderBuiltinChart({ schedule: "0 * * * *" }, { ...release, name: "job", chartName: "cron-job" });
    expect(objs.map((o) => o.kind)).toEqual(["CronJob"]);
    expect((objs[0]!.spec as any).schedule).toBe("0 * * * *");
  });
});

describe("validateValues()", () => {
  test("reports unknown fields and wrong types with their JSON path", () => {
    expect(validateValues("onechart", { replicas: "many", imagee: {}, ingress: { host: 1 } })).toEqual(
      expect.arrayContaining([
        { path: "/replicas", message: "must be integer" },
        { path: "/imagee", message: "unknown field" },
        expect.objectContaining({ path: "/ingress/host", message: "must be a string, not the number 1" }),
      ]),
    );
  });

  test("refuses a numeric image tag and says to quote it", () => {
    const [p] = validateValues("onechart", { image: { tag: 1.2 } });
    expect(p).toMatchObject({ path: "/image/tag", message: "must be a string, not the number 1.2" });
    expect(p!.hint).toContain('"1.20"');
  });

  test("validates after the chart defaults are merged, as helm does", () => {
    expect(validateValues("onechart", { resources: { requests: { memory: "1Gi" } } })).toEqual([]);
    // cron-job has no default requests, so a partial one is incomplete there, as in helm.
    expect(validateValues("cron-job", { resources: { requests: { memory: "1Gi" } } })).toEqual([
      { path: "/resources/requests/cpu", message: "is required" },
    ]);
    expect(
      validateValues("onechart", { resources: { limits: null }, podSecurityContext: null, vars: { X: null } }),
    ).toEqual([]);
    expect(validateValues("onechart", { monitor: null })[0]).toMatchObject({
      path: "/monitor",
      message: "is required",
    });
  });

  test("accepts the keys onechart accepts that its templates ignore", () => {
    const ok = {
      secret: { enabled: true },
      name: "n",
      description: "d",
      livenessProbe: { settings: { terminationGracePeriodSeconds: 5 } },
    };
    expect(validateValues("onechart", ok)).toEqual([]);
    expect(validateValues("onechart", { ports: [{ name: "http", containerPort: "8080" }] })).toEqual([]);
    expect(validateValues("onechart", { ports: [{ name: "http", containerPort: "http" }] })).not.toEqual([]);
    expect(validateValues("cron-job", { constraints: { suspend: true, timeZone: "Europe/Budapest" } })).toEqual([]);
    expect(validateValues("onechart", { replicas: 17 })).toEqual([{ path: "/replicas", message: "must be <= 16" }]);
  });

  test("requires a volume to say where its storage comes from", () => {
    expect(validateValues("onechart", { volumes: [{ name: "a", path: "/a" }] }).length).toBeGreaterThan(0);
    expect(validateValues("onechart", { volumes: [{ name: "a", path: "/a", emptyDir: true }] })).toEqual([]);
  });

  test("every values object the schema accepts renders without throwing", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    const values = fc.record(
      {
        replicas: fc.integer({ min: 0, max: 10 }),
        image: fc.record({ repository: name, tag: name }, { requiredKeys: [] }),
        containerPort: fc.integer({ min: 1, max: 65535 }),
        vars: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,8}$/), fc.string()),
        command: fc.string(),
        ingress: fc.record(
          { host: name, tlsEnabled: fc.boolean(), path: fc.constant("/") },
          { requiredKeys: ["host"] },
        ),
        ingresses: fc.array(fc.record({ host: name }), { maxLength: 2 }),
        volumes: fc.array(fc.record({ name, path: fc.constant("/data"), size: fc.constant("1Gi") }), { maxLength: 2 }),
        probe: fc.record({ enabled: fc.boolean(), path: fc.constant("/") }),
        sealedSecrets: fc.dictionary(fc.stringMatching(/^[A-Z]{1,5}$/), fc.string()),
        ports: fc.array(fc.record({ name, containerPort: fc.integer({ min: 1, max: 65535 }) }), { maxLength: 2 }),
        monitor: fc.record({ enabled: fc.boolean() }),
        gitSha: name,
        gitRepository: fc.constant("acme/web"),
        stickySessions: fc.boolean(),
        spreadAcrossNodes: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(values, name, (v, app) => {
        if (validateValues("onechart", v).length) return true;
        const objs = renderBuiltinChart(v as Record<string, unknown>, {
          name: app,
          namespace: "ns",
          chartName: "onechart",
        });
        return objs.some((o) => o.kind === "Deployment");
      }),
      { numRuns: 300 },
    );
  });
});

describe("isBuiltinChart()", () => {
  test("knows onechart and cron-job in any repository, but not git charts", () => {
    expect(isBuiltinChart("onechart")).toBe(true);
    expect(isBuiltinChart("onechart/cron-job")).toBe(true);
    expect(isBuiltinChart("https://github.com/gimlet-io/onechart.git?path=/charts/onechart")).toBe(false);
    expect(isBuiltinChart("redis")).toBe(false);
  });
});

test("robustName cuts at 63 bytes of UTF-8 whatever the input (non-ASCII becomes '-' first)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 90 }), (s) => {
      const dashed = s.replace(/\W+/g, "-").replace(/_/g, "-").toLowerCase();
      const slow = new TextDecoder().decode(new TextEncoder().encode(dashed).slice(0, 63));
      expect(robustName(s)).toBe(slow.endsWith("-") ? slow.slice(0, -1) : slow);
    }),
    { numRuns: 2000 },
  );
});
