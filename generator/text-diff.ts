/**
 * Line-based unified diffs, written by hand because runtime dependencies are
 * restricted. Output follows the format `git diff` / `diff -u` produce, so it
 * can be fed to `git apply` or `patch -p1`.
 *
 * The line matching is Myers' O(ND) algorithm in its linear-space form
 * ("middle snake" bisection), so cost grows with the size of the change rather
 * than the size of the file, and memory stays O(N + M) even for files that
 * have nothing in common.
 */

export interface DiffOptions {
  /** Unchanged lines shown around each change. Default 3, as git and GNU diff use. */
  context?: number;
  /**
   * Header label of the old side, used verbatim: pass e.g. "a/base/kafka.yaml",
   * or "/dev/null" for a file being created. Default "old".
   */
  oldLabel?: string;
  /** Header label of the new side, e.g. "b/base/kafka.yaml" or "/dev/null". Default "new". */
  newLabel?: string;
}

type OpKind = " " | "-" | "+";

/** One line of the edit script; `text` still carries its "\n" (absent only on a last line). */
interface Op {
  kind: OpKind;
  text: string;
}

const NO_NEWLINE_MARKER = "\\ No newline at end of file";
const DEFAULT_CONTEXT = 3;

/**
 * Returns a unified diff turning `oldText` into `newText`, or "" when they are
 * equal. A missing file should be passed as "" (a new file then diffs as
 * `@@ -0,0 +1,N @@`).
 */
export function unifiedDiff(oldText: string, newText: string, opts: DiffOptions = {}): string {
  const context = opts.context ?? DEFAULT_CONTEXT;
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError(`context must be a non-negative integer, got ${String(context)}`);
  }
  if (oldText === newText) return "";

  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const out = [`--- ${opts.oldLabel ?? "old"}`, `+++ ${opts.newLabel ?? "new"}`];
  const cursor: LineCursor = { op: 0, oldLine: 0, newLine: 0 };
  for (const range of hunkRanges(ops, context)) {
    advance(cursor, ops, range.start);
    out.push(...renderHunk(ops, range, cursor));
  }
  return out.join("\n") + "\n";
}

/** Counts the lines a unified diff of the two texts would mark `+` and `-`. */
export function lineChanges(oldText: string, newText: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  if (oldText === newText) return { added, removed };
  for (const op of diffLines(splitLines(oldText), splitLines(newText))) {
    if (op.kind === "+") added++;
    else if (op.kind === "-") removed++;
  }
  return { added, removed };
}

/**
 * Splits text into lines that keep their "\n". Keeping it means a last line
 * without a newline never equals the same line with one, so that difference
 * becomes a real change in the patch (with the "\ No newline" marker).
 */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl === -1 ? text.length : nl + 1;
    lines.push(text.slice(start, end));
    start = end;
  }
  return lines;
}

// ---------------------------------------------------------------------------
// Edit script
// ---------------------------------------------------------------------------

/** Computes the edit script; within each changed block removals come before additions, as git prints them. */
function diffLines(oldLines: string[], newLines: string[]): Op[] {
  const [a, b] = internLines(oldLines, newLines);
  const { oldKept, newKept } = matchLines(a, b);

  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && oldKept[i] === 0) {
      ops.push({ kind: "-", text: oldLines[i++] ?? "" });
    } else if (j < newLines.length && newKept[j] === 0) {
      ops.push({ kind: "+", text: newLines[j++] ?? "" });
    } else {
      // Both sides sit on a matched pair: matches are in order, so these are the same line.
      ops.push({ kind: " ", text: oldLines[i] ?? "" });
      i++;
      j++;
    }
  }
  return ops;
}

/** Replaces lines with small integers so the inner loops compare numbers, not strings. */
function internLines(oldLines: string[], newLines: string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const toIds = (lines: string[]): Int32Array =>
    Int32Array.from(lines, (line) => {
      let id = ids.get(line);
      if (id === undefined) {
        id = ids.size;
        ids.set(line, id);
      }
      return id;
    });
  return [toIds(oldLines), toIds(newLines)];
}

interface Match {
  /** oldKept[i] is 1 when old line i is part of the common subsequence. */
  oldKept: Uint8Array;
  newKept: Uint8Array;
}

/**
 * Marks a longest common subsequence of `a` and `b`. Sub-problems go on an
 * explicit stack: they are independent (each only marks its own range), and
 * this keeps deep splits off the call stack.
 */
function matchLines(a: Int32Array, b: Int32Array): Match {
  const match: Match = { oldKept: new Uint8Array(a.length), newKept: new Uint8Array(b.length) };
  const work: Array<[number, number, number, number]> = [[0, a.length, 0, b.length]];
  for (let box = work.pop(); box !== undefined; box = work.pop()) {
    let [aLo, aHi, bLo, bHi] = box;

    // Equal lines at either end are always part of some optimal answer; taking
    // them first is cheap and is what makes small edits to big files fast.
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) keep(match, aLo++, bLo++);
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) keep(match, --aHi, --bHi);
    if (aLo === aHi || bLo === bHi) continue; // only additions or only removals remain

    const split = findSplit(a, b, aLo, aHi, bLo, bHi);
    if (split === undefined) continue; // nothing in common: every line changes
    // A split at a corner would requeue the same box forever; fail loudly instead.
    if ((split.x === aLo && split.y === bLo) || (split.x === aHi && split.y === bHi)) {
      throw new Error("text-diff: internal error, split point at a corner");
    }
    work.push([split.x, aHi, split.y, bHi], [aLo, split.x, bLo, split.y]);
  }
  return match;
}

function keep(match: Match, i: number, j: number): void {
  match.oldKept[i] = 1;
  match.newKept[j] = 1;
}

/** Reads a frontier slot; slots outside the array count as unexplored. */
function at(v: Int32Array, i: number): number {
  return v[i] ?? -1;
}

/**
 * Finds a point on an optimal edit path through the box by running Myers'
 * search from both corners at once until the two frontiers overlap (the
 * "middle snake"). Splitting there lets each half be solved on its own, which
 * is what keeps memory linear.
 *
 * Preconditions (ensured by the caller): both ranges are non-empty and their
 * first and last lines differ, so the edit distance is at least 2 and the
 * returned point is never a corner of the box.
 *
 * Returns undefined when the ranges share no line at all.
 */
function findSplit(
  a: Int32Array,
  b: Int32Array,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): { x: number; y: number } | undefined {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const delta = n - m;
  // Parity of delta says which direction completes the overlap first
  // (the total edit distance always has the same parity as n + m).
  const checkOnForward = (delta & 1) !== 0;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD + 1;
  const size = 2 * maxD + 3;

  // fwd[offset + k]: furthest x reached on diagonal k (= x - y) from the top-left.
  // bwd[offset + k]: furthest distance travelled on diagonal k of the reversed
  // problem, i.e. from the bottom-right corner towards the top-left.
  // -1 marks a diagonal not reached yet.
  const fwd = new Int32Array(size).fill(-1);
  const bwd = new Int32Array(size).fill(-1);
  // Seed so that step d = 0 starts from the corner on diagonal 0.
  fwd[offset + 1] = 0;
  bwd[offset + 1] = 0;

  // Diagonals whose path ran off the edge of the box can never lead anywhere
  // useful; these counters shrink the scanned range from each end.
  let fwdLowTrim = 0;
  let fwdHighTrim = 0;
  let bwdLowTrim = 0;
  let bwdHighTrim = 0;

  for (let d = 0; d <= maxD; d++) {
    for (let k = -d + fwdLowTrim; k <= d - fwdHighTrim; k += 2) {
      const i = offset + k;
      let x = stepFrom(fwd, i, k, d);
      let y = x - k;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      fwd[i] = x;
      if (x > n) {
        fwdHighTrim += 2;
      } else if (y > m) {
        fwdLowTrim += 2;
      } else if (checkOnForward) {
        // The reversed search sees this same diagonal as delta - k.
        const back = at(bwd, offset + delta - k);
        if (back !== -1 && x + back >= n) return { x: aLo + x, y: bLo + y };
      }
    }

    for (let k = -d + bwdLowTrim; k <= d - bwdHighTrim; k += 2) {
      const i = offset + k;
      let x = stepFrom(bwd, i, k, d);
      let y = x - k;
      while (x < n && y < m && a[aHi - 1 - x] === b[bHi - 1 - y]) {
        x++;
        y++;
      }
      bwd[i] = x;
      if (x > n) {
        bwdHighTrim += 2;
      } else if (y > m) {
        bwdLowTrim += 2;
      } else if (!checkOnForward) {
        const fk = delta - k;
        const front = at(fwd, offset + fk);
        if (front !== -1 && front + x >= n) return { x: aLo + front, y: bLo + front - fk };
      }
    }
  }
  return undefined;
}

/**
 * One edit step onto diagonal k: either down from diagonal k + 1 (take a line
 * of b) or right from diagonal k - 1 (drop a line of a), whichever of the two
 * had got further. Preferring the farther one is the greedy core of Myers.
 */
function stepFrom(v: Int32Array, i: number, k: number, d: number): number {
  const fromAbove = at(v, i + 1);
  const fromLeft = at(v, i - 1);
  if (k === -d || (k !== d && fromLeft < fromAbove)) return fromAbove;
  return fromLeft + 1;
}

// ---------------------------------------------------------------------------
// Hunks
// ---------------------------------------------------------------------------

/** Half-open range of op indices shown as one hunk, context included. */
interface HunkRange {
  start: number;
  end: number;
}

/**
 * Groups changes into hunks. Two changes separated by at most 2 * context
 * unchanged lines share a hunk, as in git and GNU diff, since their context
 * would otherwise touch or overlap.
 */
function hunkRanges(ops: Op[], context: number): HunkRange[] {
  const ranges: HunkRange[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]?.kind === " ") {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let changeEnd = i; // exclusive end of the last change taken into this hunk
    let j = i;
    while (j < ops.length) {
      if (ops[j]?.kind !== " ") {
        changeEnd = ++j;
        continue;
      }
      const gapEnd = endOfUnchanged(ops, j);
      if (gapEnd < ops.length && gapEnd - j <= 2 * context) {
        j = gapEnd; // the next change is close enough to join this hunk
        continue;
      }
      break;
    }
    const end = Math.min(ops.length, changeEnd + context);
    ranges.push({ start, end });
    i = end;
  }
  return ranges;
}

function endOfUnchanged(ops: Op[], from: number): number {
  let k = from;
  while (k < ops.length && ops[k]?.kind === " ") k++;
  return k;
}

/** How many old and new lines the ops before index `op` account for. */
interface LineCursor {
  op: number;
  oldLine: number;
  newLine: number;
}

/** Moves the cursor forward only, so numbering all hunks costs one pass over the ops. */
function advance(cursor: LineCursor, ops: Op[], to: number): void {
  for (; cursor.op < to; cursor.op++) {
    const kind = ops[cursor.op]?.kind;
    if (kind !== "+") cursor.oldLine++;
    if (kind !== "-") cursor.newLine++;
  }
}

function renderHunk(ops: Op[], range: HunkRange, before: LineCursor): string[] {
  const body: string[] = [];
  let oldCount = 0;
  let newCount = 0;
  for (let i = range.start; i < range.end; i++) {
    const op = ops[i];
    if (op === undefined) break;
    if (op.kind !== "+") oldCount++;
    if (op.kind !== "-") newCount++;
    if (op.text.endsWith("\n")) {
      body.push(op.kind + op.text.slice(0, -1));
    } else {
      body.push(op.kind + op.text, NO_NEWLINE_MARKER);
    }
  }

  const header = `@@ -${hunkSpan(before.oldLine, oldCount)} +${hunkSpan(before.newLine, newCount)} @@`;
  return [header, ...body];
}

/**
 * Formats "start,count" the way git does: the count is omitted when it is 1,
 * and an empty side names the line it follows (0 for the top of the file).
 */
function hunkSpan(linesBefore: number, count: number): string {
  if (count === 0) return `${linesBefore},0`;
  const start = linesBefore + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}
