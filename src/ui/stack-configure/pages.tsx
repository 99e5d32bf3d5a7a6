/**
 * The pages of `gimlet stack configure`: the stack's categories with a tile per component, and a
 * component's page (logo, description, one-pager, the schema form). Pure functions of props; the
 * server in src/stack/configure-server.ts gathers the props and serves the HTML.
 */
import type { ComponentChildren, VNode } from "preact";
import { render } from "preact-render-to-string";
import type { StackComponent, StackDefinition } from "../../core/stack/index.ts";
import { Markdown } from "../markdown.tsx";
import { SchemaFields, normalizeUiSchema, type FieldErrors, type JsonSchema } from "../schema-form/index.ts";

export const assetPrefix = "/assets/";

export function isEnabled(config: Record<string, unknown> | undefined): boolean {
  return config !== undefined && config.enabled !== false;
}

function Layout(props: { title: string; stackName: string; live?: boolean; children: ComponentChildren }): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* htmx would otherwise add its indicator CSS at run time; the one stylesheet is enough. */}
        <meta name="htmx-config" content="includeIndicatorCSS:false" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={`${assetPrefix}style.css`} />
        <script src={`${assetPrefix}htmx.min.js`} defer />
        <script src={`${assetPrefix}hx-sse.min.js`} defer />
      </head>
      <body>
        <header class="top">
          <h1>{props.stackName || "Stack"}</h1>
          <p>gimlet stack configure — changes are written to stack.yaml when you save.</p>
        </header>
        <main>{props.children}</main>
        {/* While this stream is open the command keeps running; it exits a little after the last page closes. */}
        {props.live === false ? null : (
          <div hx-sse:connect="/heartbeat" hx-swap="none" hx-config="sse.pauseOnBackground:false" />
        )}
      </body>
    </html>
  );
}

export function page(vnode: VNode): string {
  return "<!doctype html>" + render(vnode);
}

/** A fragment for htmx to swap in. */
export function fragment(vnode: VNode): string {
  return render(vnode);
}

export interface OverviewProps {
  definition: StackDefinition;
  config: Record<string, Record<string, unknown>>;
  file: string;
  csrf: string;
}

function Logo(props: { c: StackComponent }): VNode | null {
  return /^https?:\/\//.test(props.c.logo) ? <img class="logo" src={props.c.logo} alt="" /> : null;
}

function Tile(props: { c: StackComponent; on: boolean }): VNode {
  return (
    <a class="tile" href={`/components/${encodeURIComponent(props.c.variable)}`} id={`tile-${props.c.variable}`}>
      <Logo c={props.c} />
      <span>
        <strong>
          {props.c.name} {props.on ? <span class="badge on">enabled</span> : <span class="badge">off</span>}
        </strong>
        {props.c.description ? <span class="desc">{props.c.description}</span> : null}
      </span>
    </a>
  );
}

function DoneForm(props: { csrf: string }): VNode {
  return (
    <form method="post" action="/done" class="actions">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" class="secondary">
        Done — stop the configure server
      </button>
    </form>
  );
}

export function Overview(props: OverviewProps): VNode {
  const { definition: d } = props;
  const known = new Set(d.categories.map((c) => c.id));
  const groups = [
    ...d.categories.map((c) => ({
      id: c.id,
      name: c.name,
      components: d.components.filter((x) => x.category === c.id),
    })),
    { id: "other", name: "Other", components: d.components.filter((x) => !known.has(x.category)) },
  ].filter((g) => g.components.length > 0);
  return (
    <Layout title={`${d.name || "Stack"} — configure`} stackName={d.name}>
      {d.description ? <Markdown source={d.description} /> : null}
      {d.intro ? <Markdown source={d.intro} /> : null}
      {groups.map((g) => (
        <section id={`category-${g.id}`}>
          <h2>{g.name}</h2>
          <div class="tiles">
            {g.components.map((c) => (
              <Tile c={c} on={isEnabled(props.config[c.variable])} />
            ))}
          </div>
        </section>
      ))}
      <footer class="bottom">
        <p>
          Writing to <code>{props.file}</code>. Run <code>gimlet stack generate</code> afterwards to render the files.
        </p>
        <DoneForm csrf={props.csrf} />
      </footer>
    </Layout>
  );
}

export interface ComponentFormProps {
  component: StackComponent;
  value: Record<string, unknown> | undefined;
  errors?: FieldErrors;
  raw?: Record<string, string>;
  csrf: string;
  /** "saved" after a successful save. */
  notice?: string;
}

/** The form section; also the fragment htmx swaps in after a save or a toggle. */
export function ComponentForm(props: ComponentFormProps): VNode {
  const c = props.component;
  const action = `/components/${encodeURIComponent(c.variable)}`;
  const schema = c.schema as JsonSchema;
  // A change of a key that `dependencies` switch on (usually `enabled`) re-renders the form with
  // the fields of the new branch; without JavaScript, Save does the same.
  const triggers = new Set(Object.keys(schema.dependencies ?? {}));
  return (
    <section class="panel" id="component-form">
      <form method="post" action={action} hx-post={action} hx-target="#component-form" hx-swap="outerHTML" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        {props.notice ? (
          <p class="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <SchemaFields
          schema={schema}
          uiSchema={normalizeUiSchema(c.uiSchema)}
          value={props.value}
          errors={props.errors ?? {}}
          raw={props.raw ?? {}}
          root={[c.variable]}
          idPrefix={c.variable}
          inputAttrs={(path) =>
            path.length === 1 && triggers.has(String(path[0]))
              ? {
                  "hx-post": `${action}/preview`,
                  "hx-trigger": "change",
                  "hx-target": "#component-form",
                  "hx-swap": "outerHTML",
                }
              : undefined
          }
        />
        <div class="actions">
          <button type="submit">Save</button>
          <a href="/">Back to all components</a>
        </div>
      </form>
    </section>
  );
}

export interface ComponentPageProps extends ComponentFormProps {
  definition: StackDefinition;
}

export function ComponentPage(props: ComponentPageProps): VNode {
  const c = props.component;
  const category = props.definition.categories.find((x) => x.id === c.category);
  return (
    <Layout title={`${c.name} — configure`} stackName={props.definition.name}>
      <nav class="crumbs">
        <a href="/">All components</a>
        {category ? ` › ${category.name}` : ""} › {c.name}
      </nav>
      <div class="component-head">
        <Logo c={c} />
        <h2>{c.name}</h2>
        {isEnabled(props.value) ? <span class="badge on">enabled</span> : <span class="badge">off</span>}
      </div>
      {c.description ? <p>{c.description}</p> : null}
      <div class="columns">
        <ComponentForm {...props} />
        <article class="one-pager">{c.onePager ? <Markdown source={c.onePager} /> : <p>No description.</p>}</article>
      </div>
    </Layout>
  );
}

export function DonePage(props: { stackName: string }): VNode {
  return (
    <Layout title="Done" stackName={props.stackName} live={false}>
      <p>The configure server has stopped. You can close this tab.</p>
    </Layout>
  );
}
