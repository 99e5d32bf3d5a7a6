/** Commit and tree objects decoded from their raw bytes. */
import { bytesToHex } from "./pack-index.ts";

/** tree / parents of a commit, from its raw text. */
export function parseCommit(data: Uint8Array): { tree: string; parents: string[]; time: number; message: string } {
  const text = new TextDecoder().decode(data);
  const headerEnd = text.indexOf("\n\n");
  const lines = (headerEnd < 0 ? text : text.slice(0, headerEnd)).split("\n");
  let tree = "";
  const parents: string[] = [];
  let time = 0;
  for (const l of lines) {
    if (l.startsWith("tree ")) tree = l.slice(5);
    else if (l.startsWith("parent ")) parents.push(l.slice(7));
    else if (l.startsWith("committer ")) time = Number(l.split(" ").at(-2));
  }
  return { tree, parents, time, message: headerEnd < 0 ? "" : text.slice(headerEnd + 2) };
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

export function parseTree(data: Uint8Array): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  const dec = new TextDecoder();
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const nul = data.indexOf(0, sp);
    out.push({
      mode: dec.decode(data.subarray(i, sp)),
      name: dec.decode(data.subarray(sp + 1, nul)),
      oid: bytesToHex(data, nul + 1),
    });
    i = nul + 21;
  }
  return out;
}

/** Children of a tree without decoding names: what object selection needs, fast. */
export function treeChildren(data: Uint8Array): { oid: string; kind: "tree" | "blob" | "gitlink" }[] {
  const out: { oid: string; kind: "tree" | "blob" | "gitlink" }[] = [];
  // Native hex conversion per entry: trees of thousands of entries are read once per commit in a
  // full clone, and a JavaScript loop per byte dominated the clone.
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  while (i < data.length) {
    // mode: "40000" tree, "160000" gitlink, else blob/symlink
    const kind = data[i] === 0x34 ? "tree" : data[i] === 0x31 && data[i + 1] === 0x36 ? "gitlink" : "blob";
    const nul = data.indexOf(0, i);
    out.push({ oid: buf.toString("hex", nul + 1, nul + 21), kind });
    i = nul + 21;
  }
  return out;
}
