/**
 * What a 64-bit little-endian ELF executable or library needs from the dynamic loader: its
 * interpreter (PT_INTERP) and its DT_NEEDED sonames. Read from the file, so it works for a
 * cross-compiled arm64 binary that `ldd` cannot run.
 */

export interface ElfDeps {
  machine: "x86-64" | "aarch64";
  interpreter?: string;
  needed: string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;

export function elfDeps(bytes: Uint8Array, what: string): ElfDeps {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1) {
    throw new Error(`${what}: not a 64-bit little-endian ELF file`);
  }
  const em = v.getUint16(18, true);
  const machine = em === 62 ? "x86-64" : em === 183 ? "aarch64" : undefined;
  if (!machine) throw new Error(`${what}: ELF machine ${em} is neither x86-64 nor aarch64`);
  const phoff = Number(v.getBigUint64(32, true));
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  const loads: { vaddr: bigint; offset: bigint; filesz: bigint }[] = [];
  let interpreter: string | undefined;
  let dynamic: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    const type = v.getUint32(p, true);
    const offset = v.getBigUint64(p + 8, true);
    const vaddr = v.getBigUint64(p + 16, true);
    const filesz = v.getBigUint64(p + 32, true);
    if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
    if (type === PT_INTERP) interpreter = cString(bytes, Number(offset));
    if (type === PT_DYNAMIC) dynamic = { offset: Number(offset), size: Number(filesz) };
  }
  if (!dynamic) return { machine, interpreter, needed: [] };
  const needed: bigint[] = [];
  let strtab: bigint | undefined;
  for (let p = dynamic.offset; p + 16 <= dynamic.offset + dynamic.size; p += 16) {
    const tag = v.getBigUint64(p, true);
    const val = v.getBigUint64(p + 8, true);
    if (tag === 0n) break;
    if (tag === DT_NEEDED) needed.push(val);
    if (tag === DT_STRTAB) strtab = val;
  }
  if (strtab === undefined) throw new Error(`${what}: dynamic section without a string table`);
  const seg = loads.find((l) => strtab! >= l.vaddr && strtab! < l.vaddr + l.filesz);
  if (!seg) throw new Error(`${what}: string table outside every loaded segment`);
  const strOff = Number(strtab - seg.vaddr + seg.offset);
  return { machine, interpreter, needed: needed.map((n) => cString(bytes, strOff + Number(n))) };
}

function cString(bytes: Uint8Array, at: number): string {
  const end = bytes.indexOf(0, at);
  return new TextDecoder().decode(bytes.subarray(at, end < 0 ? bytes.length : end));
}
