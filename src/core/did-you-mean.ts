/**
 * "Did you mean" for a misspelt name: one edit distance for every error that suggests a known
 * name (manifest fields, stack components, `--set` keys). Each caller words its own hint.
 */

/** Levenshtein distance, one row of the table at a time. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The known name closest to `key` ignoring case, if it is at most `maxDistance` edits away; first wins a tie. */
export function closestName(key: string, known: readonly string[], maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}
