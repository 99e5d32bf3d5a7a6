/** Byte helpers shared by the git code (pkt-lines, packs, object ids) and the key encoders. */

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The bytes a hex string spells, two digits a byte. For hex the caller produced or already checked
 * (object ids from an index or a ref): it sits on hot paths, so it does not validate.
 */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
