/**
 * The local web page of `gimlet stack configure`: a Hono app on 127.0.0.1 (random port) that shows
 * the stack definition's components and writes each saved form into stack.yaml. It stops when the
 * last page has been closed for a while (the page holds an SSE heartbeat open), or on "Done".
 *
 * Only this browser may use it: requests must name the loopback host and port (no DNS rebinding),
 * every POST carries the per-run CSRF token, and pages are served under a strict CSP with htmx and
 * the stylesheet from the binary.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { UserError } from "../core/errors.ts";
import { parseStackConfig, type StackComponent, type StackDefinition } from "../core/stack/index.ts";
import { assets, contentSecurityPolicy } from "../ui/assets.ts";
import { decodeForm, mergeErrors, normalizeUiSchema, validateValue, type JsonSchema } from "../ui/schema-form/index.ts";
import {
  ComponentForm,
  ComponentPage,
  DonePage,
  Overview,
  assetPrefix,
  fragment,
  page,
} from "../ui/stack-configure/pages.tsx";
import { setComponentConfig } from "./config-edit.ts";

export interface ConfigureServerOptions {
  /** Path of stack.yaml; read on every request, written atomically on every save. */
  file: string;
  definition: StackDefinition;
  /** How long no page may be open before the server stops (after the first page connected). */
  idleExitMs?: number;
  /** Heartbeat period; must stay well under Bun's idle timeout. */
  pingMs?: number;
}

export type StopReason = "closed" | "done";

export interface ConfigureServer {
  url: string;
  /** Resolves when the page was closed (heartbeat gone) or "Done" was pressed. */
  finished: Promise<StopReason>;
  stop(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, content);
  await rename(tmp, path);
}

interface Heartbeat {
  open: number;
  seen: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

export function createConfigureApp(
  opts: ConfigureServerOptions,
  env: { origin: () => string; finish: (r: StopReason) => void; heartbeat: Heartbeat },
): Hono {
  const csrf = randomBytes(24).toString("hex");
  const app = new Hono();
  const def = opts.definition;
  const idleExitMs = opts.idleExitMs ?? 10_000;
  const pingMs = opts.pingMs ?? 5_000;

  const readConfig = async () => parseStackConfig(await Bun.file(opts.file).text(), opts.file).config.config;

  app.use(async (c, next) => {
    // A page on another site could resolve its own name to 127.0.0.1; only our own Host is served.
    const host = new URL(env.origin()).host;
    if (c.req.header("host") !== host) return c.text("wrong host", 403);
    await next();
    c.header("Content-Security-Policy", contentSecurityPolicy);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  app.get(`${assetPrefix}:name`, (c) => {
    const a = assets[c.req.param("name")];
    if (!a) return c.text("not found", 404);
    return new Response(Bun.file(a.file), {
      headers: { "Content-Type": a.contentType, "Cache-Control": "max-age=300" },
    });
  });

  app.get("/favicon.ico", (c) => c.body(null, 204));

  app.get("/", async (c) =>
    c.html(page(Overview({ definition: def, config: await readConfig(), file: opts.file, csrf }))),
  );

  const componentOf = (c: Context): StackComponent | undefined =>
    def.components.find((x) => x.variable === c.req.param("v"));

  const notFound = (c: Context) => c.text(`no component ${JSON.stringify(c.req.param("v"))} in this stack`, 404);

  app.get("/components/:v", async (c) => {
    const component = componentOf(c);
    if (!component) return notFound(c);
    const value = (await readConfig())[component.variable];
    return c.html(page(ComponentPage({ definition: def, component, value, csrf })));
  });

  async function formOf(c: Context): Promise<FormData | Response> {
    if (Number(c.req.header("content-length") ?? 0) > maxBodyBytes) return c.text("request too large", 413);
    const form = await c.req.raw.formData().catch(() => undefined);
    if (!form) return c.text("expected a form (application/x-www-form-urlencoded or multipart)", 400);
    const token = form.get("_csrf");
    const ok =
      typeof token === "string" &&
      token.length === csrf.length &&
      timingSafeEqual(Buffer.from(token), Buffer.from(csrf));
    if (!ok) return c.text("missing or stale CSRF token: reload the page and try again", 403);
    return form;
  }

  /** The whole page for a plain form POST, the form fragment for htmx. */
  const respond = (c: Context, props: Parameters<typeof ComponentForm>[0], status: 200 | 422) =>
    c.html(
      c.req.header("hx-request") ? fragment(ComponentForm(props)) : page(ComponentPage({ ...props, definition: def })),
      status,
    );

  app.post("/components/:v/preview", async (c) => {
    const component = componentOf(c);
    if (!component) return notFound(c);
    const form = await formOf(c);
    if (form instanceof Response) return form;
    const base = (await readConfig())[component.variable];
    const d = decodeForm(
      component.schema as JsonSchema,
      normalizeUiSchema(component.uiSchema),
      form,
      [component.variable],
      base,
    );
    return respond(
      c,
      { component, value: d.value as Record<string, unknown>, raw: d.raw, errors: d.errors, csrf },
      200,
    );
  });

  app.post("/components/:v", async (c) => {
    const component = componentOf(c);
    if (!component) return notFound(c);
    const form = await formOf(c);
    if (form instanceof Response) return form;
    const text = await Bun.file(opts.file).text();
    const base = parseStackConfig(text, opts.file).config.config[component.variable];
    const schema = component.schema as JsonSchema;
    const d = decodeForm(schema, normalizeUiSchema(component.uiSchema), form, [component.variable], base);
    const value = (d.value ?? {}) as Record<string, unknown>;
    const errors = mergeErrors(d.errors, Object.keys(d.errors).length ? {} : validateValue(schema, value));
    if (Object.keys(errors).length) return respond(c, { component, value, raw: d.raw, errors, csrf }, 422);
    await writeAtomic(opts.file, setComponentConfig(text, opts.file, component.variable, value));
    return respond(c, { component, value, csrf, notice: `Saved to ${basename(opts.file)}.` }, 200);
  });

  app.post("/done", async (c) => {
    const form = await formOf(c);
    if (form instanceof Response) return form;
    setTimeout(() => env.finish("done"), 50);
    return c.html(page(DonePage({ stackName: def.name })));
  });

  app.get("/heartbeat", (c) => {
    (c.env as { timeout?: (r: Request, s: number) => void } | undefined)?.timeout?.(c.req.raw, 0);
    const hb = env.heartbeat;
    hb.open++;
    hb.seen = true;
    clearTimeout(hb.timer);
    return streamSSE(c, async (s) => {
      s.onAbort(() => {
        hb.open--;
        if (hb.open === 0) hb.timer = setTimeout(() => hb.open === 0 && env.finish("closed"), idleExitMs);
      });
      while (!s.aborted && !s.closed) {
        await s.writeSSE({ event: "ping", data: "" });
        await s.sleep(pingMs);
      }
    });
  });

  app.onError((e, c) => {
    if (e instanceof UserError) return c.text(e.describe(), 400);
    return c.text(`internal error: ${e.message}`, 500);
  });
  return app;
}

export async function startConfigureServer(opts: ConfigureServerOptions): Promise<ConfigureServer> {
  let finish!: (r: StopReason) => void;
  const finished = new Promise<StopReason>((r) => (finish = r));
  const heartbeat: Heartbeat = { open: 0, seen: false };
  let origin = "";
  const app = createConfigureApp(opts, { origin: () => origin, finish, heartbeat });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req, srv) => app.fetch(req, srv) });
  origin = `http://127.0.0.1:${server.port}`;
  return {
    url: origin + "/",
    finished,
    stop: async () => {
      clearTimeout(heartbeat.timer);
      await server.stop(true);
    },
  };
}
