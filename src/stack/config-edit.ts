/**
 * Edits stack.yaml in place through the `yaml` Document API, so everything `configure` does not
 * change — comments, key order, the `stack` block, other components — stays as the user wrote it.
 */
import { isMap, isScalar, parseDocument, type Document } from "yaml";
import { UserError } from "../core/errors.ts";
import { isPlainObject as isRecord } from "../core/k8s.ts";

function parse(text: string, file: string): Document.Parsed {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UserError(`not valid YAML: ${e.message.split("\n")[0]}`, {
      pos: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col },
    });
  }
  return doc;
}

/** Sets `path` to `value`, descending into existing maps so unchanged keys keep their comments. */
function setDeep(doc: Document, path: string[], value: unknown): void {
  const node = doc.getIn(path, true);
  if (value === undefined) {
    doc.deleteIn(path);
    return;
  }
  if (isRecord(value) && isMap(node)) {
    for (const item of [...node.items]) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      if (!(key in value)) doc.deleteIn([...path, key]);
    }
    for (const [k, v] of Object.entries(value)) setDeep(doc, [...path, k], v);
    return;
  }
  if (isScalar(node) && (value === null || typeof value !== "object")) {
    // Changing the scalar in place keeps its comment (a new node would drop it).
    node.value = value;
    return;
  }
  doc.setIn(path, doc.createNode(value));
}

/** stack.yaml text with `config.<variable>` set to `value` (undefined removes it). */
export function setComponentConfig(text: string, file: string, variable: string, value: unknown): string {
  const doc = parse(text, file);
  if (!isMap(doc.contents))
    throw new UserError("stack.yaml must be a YAML map with `stack` and `config`", { pos: { file, line: 1 } });
  if (!isMap(doc.getIn(["config"], true))) doc.setIn(["config"], doc.createNode({}));
  setDeep(doc, ["config", variable], value);
  const out = doc.toString({ lineWidth: 0 });
  // The original writes stack.yaml with a leading `---`; keep whichever the file had.
  return text.trimStart().startsWith("---") && !out.startsWith("---") ? "---\n" + out : out;
}
