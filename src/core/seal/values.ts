/**
 * `gimlet seal -f manifest.yaml -p values.sealedSecrets`: the plain strings of the map at a path
 * are replaced by sealed ones in the YAML text itself, so comments, order and the other values
 * stay as they were; values already sealed are left alone, so sealing twice changes nothing.
 */
import { isMap, isScalar, parseDocument } from "yaml";
import { UserError } from "../errors.ts";

export interface SealValuesResult {
  text: string;
  sealed: string[];
  kept: string[];
}

/** `values.sealedSecrets` → ["values", "sealedSecrets"]; a leading `.` or `$.` is allowed (JSONPath). */
export function parsePath(p: string): string[] {
  const parts = p.replace(/^\$?\./, "").split(".");
  if (parts.some((x) => x === ""))
    throw new UserError(`bad path ${JSON.stringify(p)}`, {
      path: "-p",
      hint: "a dotted path such as values.sealedSecrets",
    });
  return parts;
}

export async function sealValuesAt(
  text: string,
  file: string,
  paths: readonly string[],
  seal: (key: string, value: string) => Promise<string>,
  isSealed: (value: string) => boolean,
): Promise<SealValuesResult> {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UserError(`${file} is not valid YAML: ${e.message.split("\n")[0]}`, {
      pos: { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col },
    });
  }
  const sealed: string[] = [];
  const kept: string[] = [];
  for (const p of paths) {
    const parts = parsePath(p);
    const node = doc.getIn(parts, true);
    if (node === undefined)
      throw new UserError(`${file} has nothing at ${p}`, { path: p, hint: "check -p against the file" });
    if (!isMap(node)) throw new UserError(`${file}: ${p} must be a map of strings`, { path: p });
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const where = `${p}.${key}`;
      if (
        !isScalar(pair.value) ||
        (typeof pair.value.value !== "string" &&
          typeof pair.value.value !== "number" &&
          typeof pair.value.value !== "boolean")
      ) {
        throw new UserError(`${file}: ${where} must be a string`, { path: where, hint: "quote the value" });
      }
      const v = String(pair.value.value);
      if (isSealed(v)) {
        kept.push(where);
        continue;
      }
      pair.value.value = await seal(key, v);
      pair.value.type = "PLAIN";
      sealed.push(where);
    }
  }
  return { text: sealed.length ? doc.toString({ lineWidth: 0 }) : text, sealed, kept };
}
