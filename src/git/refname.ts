/**
 * Ref name rules, exactly as `git check-ref-format <name>` applies them (refs.c
 * check_refname_component, default flags): checked against the git CLI in refname.test.ts.
 */

/** Why git would refuse `name` as a ref name, or undefined when it is valid. */
export function refFormatProblem(name: string): string | undefined {
  if (name === "@") return "a ref may not be the single character @";
  if (name.startsWith("/") || name.endsWith("/")) return "a ref may not begin or end with /";
  if (name.endsWith(".")) return "a ref may not end with .";
  const components = name.split("/");
  if (components.length < 2) return "a ref needs at least one / (refs/heads/<name>)";
  for (const c of components) {
    if (c.length === 0) return "a ref may not contain //";
    if (c.startsWith(".")) return `component ${JSON.stringify(c)} begins with .`;
    if (c.endsWith(".lock")) return `component ${JSON.stringify(c)} ends with .lock`;
  }
  if (name.includes("..")) return "a ref may not contain ..";
  if (name.includes("@{")) return "a ref may not contain @{";
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name);
  if (bad) return `a ref may not contain ${JSON.stringify(bad[0])}`;
  return undefined;
}

/** A ref a client may create or move on this server: a valid name under refs/. */
export function validRefName(ref: string): boolean {
  return ref.startsWith("refs/") && refFormatProblem(ref) === undefined;
}
