/**
 * "Did you mean" suggestions as az makes them: Python's difflib.get_close_matches with cutoff
 * 0.7. The ratio here is difflib's 2·M/T with M from recursive longest matching blocks
 * (SequenceMatcher without junk heuristics, which only matter for long sequences).
 */

function matches(a: string, b: string): number {
  if (!a.length || !b.length) return 0;
  let best = 0;
  let ai = 0;
  let bj = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) k++;
      if (k > best) [best, ai, bj] = [k, i, j];
    }
  }
  if (best === 0) return 0;
  return best + matches(a.slice(0, ai), b.slice(0, bj)) + matches(a.slice(ai + best), b.slice(bj + best));
}

export function similarity(a: string, b: string): number {
  const t = a.length + b.length;
  return t === 0 ? 1 : (2 * matches(a, b)) / t;
}

/** Close matches, best first (difflib.get_close_matches(word, possibilities, n, cutoff)). */
export function closeMatches(word: string, candidates: readonly string[], n = 3, cutoff = 0.7): string[] {
  return candidates
    .map((c) => ({ c, r: similarity(word, c) }))
    .filter((x) => x.r >= cutoff)
    .sort((x, y) => y.r - x.r)
    .slice(0, n)
    .map((x) => x.c);
}
