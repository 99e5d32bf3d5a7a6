// Files embedded with `import p from "…" with { type: "file" }`: the import is a path
// (`/$bunfs/root/…` inside dist/gimlet, the real path under `bun run`).
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "htmx.org/dist/*.js" {
  const path: string;
  export default path;
}
