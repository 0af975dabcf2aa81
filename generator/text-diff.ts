/**
 * Unified diffs of generated files, in the format `git diff` and `diff -u`
 * produce (so `git apply` accepts them). The line matching is the `diff`
 * package's (Myers' algorithm, bounded for files with nothing in common); this
 * module only fixes the options every caller shares.
 */
import { FILE_HEADERS_ONLY, createTwoFilesPatch, diffLines } from "diff";

export interface DiffOptions {
  /** Unchanged lines shown around each change. Default 3, as git and GNU diff use. */
  context?: number;
  /** Header label of the old side, used verbatim: e.g. "a/base/kafka.yaml", or "/dev/null". Default "old". */
  oldLabel?: string;
  /** Header label of the new side, e.g. "b/base/kafka.yaml" or "/dev/null". Default "new". */
  newLabel?: string;
}

/**
 * Returns a unified diff turning `oldText` into `newText`, or "" when they are
 * equal. A missing file should be passed as "" (a new file then diffs as
 * `@@ -0,0 +1,N @@`).
 */
export function unifiedDiff(oldText: string, newText: string, opts: DiffOptions = {}): string {
  const context = opts.context ?? 3;
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError(`context must be a non-negative integer, got ${String(context)}`);
  }
  if (oldText === newText) return "";
  const patch = createTwoFilesPatch(opts.oldLabel ?? "old", opts.newLabel ?? "new", oldText, newText, undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
  // git and GNU diff leave out a range's length when it is 1 ("@@ -10 +10 @@"); reviewers see the same notation here.
  return patch.replace(/^@@ -(\d+(?:,\d+)?) \+(\d+(?:,\d+)?) @@/gm, (_, from: string, to: string) => `@@ -${shortRange(from)} +${shortRange(to)} @@`);
}

const shortRange = (range: string): string => (range.endsWith(",1") ? range.slice(0, -2) : range);

/** Counts the lines a unified diff of the two texts marks `+` and `-`. */
export function lineChanges(oldText: string, newText: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  if (oldText === newText) return { added, removed };
  for (const part of diffLines(oldText, newText)) {
    if (part.added) added += part.count ?? 0;
    else if (part.removed) removed += part.count ?? 0;
  }
  return { added, removed };
}
