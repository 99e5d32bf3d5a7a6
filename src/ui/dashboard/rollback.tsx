/** The rollback confirmation page: what goes back, what is reverted, and the gitops diff it would commit. */
import type { VNode } from "preact";
import { appPath, ErrorBox, Sha, Time } from "./bits.tsx";
import type { ReleaseEntry } from "./history.tsx";
import { Csrf, Layout, type Viewer } from "./layout.tsx";

const firstLine = (s: string | undefined) => s?.split("\n")[0] ?? "";

export interface RollbackProps {
  viewer: Viewer;
  env: string;
  app: string;
  now: number;
  target: ReleaseEntry;
  current?: ReleaseEntry;
  /** Releases after the target that the rollback reverts. */
  reverted: ReleaseEntry[];
  /** The gitops files the rollback would change, as unified diffs (secret values masked). */
  files?: { path: string; change: string; diff: string }[];
  /** One line per changed object (`~ Deployment/web: … → …`), shown before the file diffs. */
  summary?: { op: string; text: string }[];
  /** Why the rollback cannot be previewed (it would fail the same way). */
  previewError?: string;
}

const lineClass = (line: string) => {
  if (line.startsWith("+") && !line.startsWith("+++")) return "add";
  return line.startsWith("-") && !line.startsWith("---") ? "del" : "";
};

export function FileDiffs(props: {
  files: { path: string; change: string; diff: string }[];
  summary?: { op: string; text: string }[];
}): VNode {
  if (!props.files.length) return <p class="muted">No gitops file would change.</p>;
  const objects = props.summary ?? [];
  return (
    <div class="diffs">
      {objects.length ? (
        <>
          <p>Objects that change:</p>
          <ul class="object-changes">
            {objects.map((o) => (
              <li class={o.op === "+" ? "add" : o.op === "-" ? "del" : undefined}>
                <code>{o.text}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>Gitops files that change:</p>
      {props.files.map((f) => (
        <details open={props.files.length <= 3}>
          <summary>
            <code>{f.path}</code> <span class="muted">{f.change}</span>
          </summary>
          <pre class="diff" tabIndex={0}>
            {f.diff.split("\n").map((line) => (
              <span class={lineClass(line)}>
                {line}
                {"\n"}
              </span>
            ))}
          </pre>
        </details>
      ))}
    </div>
  );
}

export function RollbackConfirm(p: RollbackProps): VNode {
  const b = appPath(p.env, p.app);
  const v = p.target.version;
  return (
    <Layout title={`Roll back ${p.app}`} viewer={p.viewer} section="envs">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Environments</a> / <a href={`/envs/${encodeURIComponent(p.env)}`}>{p.env}</a> /{" "}
        <a href={b}>{p.app}</a> / roll back
      </nav>
      <h1>
        Roll back {p.app} in {p.env}?
      </h1>
      <div class="card">
        <p>
          {p.app} goes back to <Sha sha={v?.sha} url={v?.url} /> <em>{firstLine(v?.message)}</em>, released{" "}
          <Time t={p.target.created} now={p.now} /> by {p.target.triggeredBy || "policy"} (gitops commit{" "}
          <code>{p.target.gitopsRef.slice(0, 8)}</code>).
        </p>
        {p.current ? (
          <p>
            It now runs <Sha sha={p.current.version?.sha} /> <em>{firstLine(p.current.version?.message)}</em>.
          </p>
        ) : null}
        {p.reverted.length ? (
          <>
            <p>These releases are reverted in the gitops repo and marked rolled back:</p>
            <ul>
              {p.reverted.map((r) => (
                <li>
                  <code>{r.gitopsRef.slice(0, 8)}</code> <Sha sha={r.version?.sha} /> {firstLine(r.version?.message)} (
                  <Time t={r.created} now={p.now} />)
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {p.previewError ? (
          <ErrorBox message={p.previewError} />
        ) : p.files ? (
          <FileDiffs files={p.files} summary={p.summary} />
        ) : null}
        <form method="post" action={`${b}/rollback`} class="actions">
          <Csrf viewer={p.viewer} />
          <input type="hidden" name="to" value={p.target.gitopsRef} />
          {p.previewError ? null : (
            <button type="submit" id="confirm-rollback">
              Roll back
            </button>
          )}
          <a href={b}>Cancel</a>
        </form>
      </div>
    </Layout>
  );
}
