// The closest known word to a misspelt one, for "did you mean" hints.

/** Levenshtein distance with one row of memory; gives up (returns limit + 1) once every cell exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    let best = row[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
      if (row[j]! < best) best = row[j]!;
    }
    if (best > limit) return limit + 1;
  }
  return row[b.length]!;
}

/**
 * The candidate closest to `word` (case-insensitive), if it is within a third
 * of its length (at least 1, at most `maxDistance`); ties go to the first candidate.
 */
export function closest(word: string, candidates: Iterable<string>, maxDistance = Infinity): string | undefined {
  const w = word.toLowerCase();
  let best: { k: string; d: number } | undefined;
  for (const k of candidates) {
    const allowed = Math.min(maxDistance, Math.max(1, Math.floor(k.length / 3)));
    const d = editDistance(k.toLowerCase(), w, Math.min(allowed, best ? best.d - 1 : allowed));
    if (d <= allowed && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}
