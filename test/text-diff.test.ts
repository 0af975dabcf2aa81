import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { lineChanges, unifiedDiff } from "../generator/text-diff.js";
import { tempDir } from "./support/temp.js";

const LABELS = { oldLabel: "a/f.yaml", newLabel: "b/f.yaml" };

/** "line 1\n" ... "line n\n" */
function numberedLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `line ${i + 1}\n`);
}

// ---------------------------------------------------------------------------
// Exact output
// ---------------------------------------------------------------------------

test("equal texts give an empty diff", (t) => {
  for (const text of ["", "a", "a\n", "a\nb\n", numberedLines(500).join("")]) {
    t.is(unifiedDiff(text, text, LABELS), "", JSON.stringify(text.slice(0, 20)));
    t.deepEqual(lineChanges(text, text), { added: 0, removed: 0 });
  }
});

test("a one-line change in the middle of a long file is one hunk with 3 lines of context", (t) => {
  const oldLines = numberedLines(100);
  const newLines = oldLines.slice();
  newLines[49] = "line fifty\n";
  const expected = [
    "--- a/f.yaml",
    "+++ b/f.yaml",
    "@@ -47,7 +47,7 @@",
    " line 47",
    " line 48",
    " line 49",
    "-line 50",
    "+line fifty",
    " line 51",
    " line 52",
    " line 53",
    "",
  ].join("\n");
  t.is(unifiedDiff(oldLines.join(""), newLines.join(""), LABELS), expected);
  t.deepEqual(lineChanges(oldLines.join(""), newLines.join("")), { added: 1, removed: 1 });
});

test("labels default to old/new and context can be changed", (t) => {
  const oldText = numberedLines(20).join("");
  const newText = oldText.replace("line 10\n", "ten\n");
  t.is(unifiedDiff(oldText, newText, { context: 0 }), "--- old\n+++ new\n@@ -10 +10 @@\n-line 10\n+ten\n");
  t.is(unifiedDiff(oldText, newText, { context: 1 }), "--- old\n+++ new\n@@ -9,3 +9,3 @@\n line 9\n-line 10\n+ten\n line 11\n");
});

test("context must be a non-negative integer", (t) => {
  for (const context of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => unifiedDiff("a\n", "b\n", { context }), { instanceOf: RangeError }, String(context));
  }
});

test("additions at the start of a file", (t) => {
  const oldText = numberedLines(10).join("");
  const newText = "# header\n---\n" + oldText;
  t.is(unifiedDiff(oldText, newText, LABELS), "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,3 +1,5 @@\n+# header\n+---\n line 1\n line 2\n line 3\n");
  t.deepEqual(lineChanges(oldText, newText), { added: 2, removed: 0 });
});

test("additions at the end of a file", (t) => {
  const oldText = numberedLines(10).join("");
  const newText = oldText + "line 11\nline 12\n";
  t.is(unifiedDiff(oldText, newText, LABELS), "--- a/f.yaml\n+++ b/f.yaml\n@@ -8,3 +8,5 @@\n line 8\n line 9\n line 10\n+line 11\n+line 12\n");
});

test("changes at most 2*context lines apart share a hunk, further apart they split", (t) => {
  const oldLines = numberedLines(30);
  const sixApart = oldLines.slice();
  sixApart[9] = "X\n"; // line 10
  sixApart[16] = "Y\n"; // line 17: lines 11..16 (six) lie between
  t.is(
    unifiedDiff(oldLines.join(""), sixApart.join(""), LABELS),
    [
      "--- a/f.yaml",
      "+++ b/f.yaml",
      "@@ -7,14 +7,14 @@",
      " line 7",
      " line 8",
      " line 9",
      "-line 10",
      "+X",
      " line 11",
      " line 12",
      " line 13",
      " line 14",
      " line 15",
      " line 16",
      "-line 17",
      "+Y",
      " line 18",
      " line 19",
      " line 20",
      "",
    ].join("\n"),
  );

  const sevenApart = oldLines.slice();
  sevenApart[9] = "X\n";
  sevenApart[17] = "Y\n"; // line 18: seven unchanged lines between
  const diff = unifiedDiff(oldLines.join(""), sevenApart.join(""), LABELS);
  t.deepEqual(
    diff.split("\n").filter((l) => l.startsWith("@@")),
    ["@@ -7,7 +7,7 @@", "@@ -15,7 +15,7 @@"],
  );
});

test("a rewritten block lists all removals before all additions", (t) => {
  t.is(unifiedDiff("keep\na\nb\nkeep2\n", "keep\nx\ny\nkeep2\n", LABELS), "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,4 +1,4 @@\n keep\n-a\n-b\n+x\n+y\n keep2\n");
});

test("a missing trailing newline is marked on the side that lacks it", (t) => {
  const marker = "\\ No newline at end of file";
  // Adding the newline: the old last line is removed and re-added with one.
  t.is(unifiedDiff("a\nb", "a\nb\n", LABELS), ["--- a/f.yaml", "+++ b/f.yaml", "@@ -1,2 +1,2 @@", " a", "-b", marker, "+b", ""].join("\n"));
  // Removing it.
  t.is(unifiedDiff("a\nb\n", "a\nb", LABELS), ["--- a/f.yaml", "+++ b/f.yaml", "@@ -1,2 +1,2 @@", " a", "-b", "+b", marker, ""].join("\n"));
  // Both lack it and the last line is unchanged context.
  t.is(unifiedDiff("a\nb\nc", "a\nB\nc", LABELS), ["--- a/f.yaml", "+++ b/f.yaml", "@@ -1,3 +1,3 @@", " a", "-b", "+B", " c", marker, ""].join("\n"));
  t.deepEqual(lineChanges("a\nb", "a\nb\n"), { added: 1, removed: 1 });
});

test('a new file (missing old side as "") is all additions from -0,0', (t) => {
  t.is(
    unifiedDiff("", "kind: Kafka\nmetadata:\n  name: x\n", { oldLabel: "/dev/null", newLabel: "b/k.yaml" }),
    "--- /dev/null\n+++ b/k.yaml\n@@ -0,0 +1,3 @@\n+kind: Kafka\n+metadata:\n+  name: x\n",
  );
  // git writes a count of 1 as just the start line.
  t.is(unifiedDiff("", "x\n", { oldLabel: "/dev/null", newLabel: "b/x" }), "--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+x\n");
  t.deepEqual(lineChanges("", "a\nb\nc"), { added: 3, removed: 0 });
});

test("a deleted file is all removals down to +0,0", (t) => {
  t.is(unifiedDiff("a\nb\n", "", { oldLabel: "a/k.yaml", newLabel: "/dev/null" }), "--- a/k.yaml\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
  t.deepEqual(lineChanges("a\nb\n", ""), { added: 0, removed: 2 });
});

test("carriage returns stay part of the line", (t) => {
  t.is(unifiedDiff("a\r\nb\r\n", "a\r\nc\r\n", LABELS), "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n");
  // A line ending change alone is a change.
  t.deepEqual(lineChanges("a\n", "a\r\n"), { added: 1, removed: 1 });
});

// ---------------------------------------------------------------------------
// Minimality and correctness on generated inputs
// ---------------------------------------------------------------------------

/** Small deterministic PRNG (LCG) so failures reproduce. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function splitKeepingNewlines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Length of a longest common subsequence, by the textbook quadratic table. */
function lcsLength(a: string[], b: string[]): number {
  let next = new Array<number>(b.length + 1).fill(0);
  for (let i = a.length - 1; i >= 0; i--) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
    next = row;
  }
  return next[0] ?? 0;
}

/** Minimal strict applier: throws if a context or removed line does not match the old text. */
function applyPatch(oldText: string, patch: string): string {
  if (patch === "") return oldText;
  const oldLines = splitKeepingNewlines(oldText);
  const lines = patch.split("\n");
  lines.pop(); // the patch ends with "\n"
  const out: string[] = [];
  let pos = 0;
  let i = 2; // skip ---/+++ headers
  while (i < lines.length) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[i] ?? "");
    if (!header) throw new Error(`bad hunk header: ${lines[i]}`);
    const oldStart = Number(header[1]);
    const oldCount = header[2] === undefined ? 1 : Number(header[2]);
    const first = oldCount === 0 ? oldStart : oldStart - 1;
    if (first < pos) throw new Error("hunks overlap or go backwards");
    out.push(...oldLines.slice(pos, first));
    pos = first;
    for (i++; i < lines.length && !(lines[i] ?? "").startsWith("@@"); ) {
      const line = lines[i] ?? "";
      const noNewline = lines[i + 1] === "\\ No newline at end of file";
      const text = line.slice(1) + (noNewline ? "" : "\n");
      if (line[0] === "+") {
        out.push(text);
      } else {
        if (oldLines[pos] !== text) throw new Error(`line ${pos + 1} does not match: ${JSON.stringify(line)}`);
        if (line[0] === " ") out.push(text);
        pos++;
      }
      i += noNewline ? 2 : 1;
    }
  }
  out.push(...oldLines.slice(pos));
  return out.join("");
}

test("diffs are minimal and reproduce the new text (2,000 generated cases)", (t) => {
  const random = makeRandom(20240611);
  const randomText = (): string => {
    const n = Math.floor(random() * 25);
    const lines = Array.from({ length: n }, () => `${"abcd"[Math.floor(random() * 4)]}\n`);
    const text = lines.join("");
    return random() < 0.2 ? text.replace(/\n$/, "") : text;
  };
  let failures = 0;
  for (let c = 0; c < 2000; c++) {
    const oldText = randomText();
    const newText = randomText();
    const { added, removed } = lineChanges(oldText, newText);
    const oldLines = splitKeepingNewlines(oldText);
    const newLines = splitKeepingNewlines(newText);
    const minimal = oldLines.length + newLines.length - 2 * lcsLength(oldLines, newLines);
    const context = c % 4;
    let applied: string;
    try {
      applied = applyPatch(oldText, unifiedDiff(oldText, newText, { ...LABELS, context }));
    } catch (error) {
      applied = `<${String(error)}>`;
    }
    if (added + removed !== minimal || applied !== newText) {
      failures++;
      if (failures <= 3) t.log({ oldText, newText, added, removed, minimal, applied });
    }
  }
  t.is(failures, 0);
});

test("a 2,000-line file with a few changes gives three hunks; large and disjoint files still diff", (t) => {
  const oldLines = Array.from({ length: 2000 }, (_, i) => `key${i}: value ${i}\n`);
  const newLines = oldLines.slice();
  newLines[100] = "key100: changed\n";
  newLines.splice(1500, 2);
  newLines.splice(700, 0, "inserted: true\n");

  const diff = unifiedDiff(oldLines.join(""), newLines.join(""), LABELS);
  t.deepEqual(lineChanges(oldLines.join(""), newLines.join("")), { added: 2, removed: 3 });
  t.is(diff.split("\n").filter((l) => l.startsWith("@@")).length, 3);
  t.is(applyPatch(oldLines.join(""), diff), newLines.join(""));

  // 20,000 lines with two edits.
  const bigOld = Array.from({ length: 20000 }, (_, i) => `k${i}\n`);
  const bigNew = bigOld.slice();
  bigNew[10] = "x\n";
  bigNew[19990] = "y\n";
  t.deepEqual(lineChanges(bigOld.join(""), bigNew.join("")), { added: 2, removed: 2 });

  // Nothing in common: every line removed and added.
  const other = Array.from({ length: 2000 }, (_, i) => `other${i}\n`);
  t.deepEqual(lineChanges(oldLines.join(""), other.join("")), { added: 2000, removed: 2000 });
});

// ---------------------------------------------------------------------------
// Real git apply
// ---------------------------------------------------------------------------

/** Runs git in `cwd` without letting it discover any repository above the temp dir. */
function git(cwd: string, args: string[]): { status: number | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(cwd) };
  delete env["GIT_DIR"];
  delete env["GIT_WORK_TREE"];
  const result = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

interface ApplyCase {
  name: string;
  oldText: string | undefined; // undefined: file does not exist
  newText: string | undefined; // undefined: file is deleted
}

const applyCases: ApplyCase[] = [
  {
    name: "modify several places",
    oldText: numberedLines(200).join(""),
    newText: numberedLines(200)
      .map((l, i) => (i === 3 ? "three\n" : i === 120 ? "" : l))
      .concat("tail\n")
      .join(""),
  },
  { name: "add trailing newline", oldText: "a\nb", newText: "a\nb\n" },
  { name: "drop trailing newline", oldText: "a\nb\n", newText: "a\nc" },
  { name: "new file", oldText: undefined, newText: "x: 1\ny: 2\n" },
  { name: "deleted file", oldText: "x: 1\ny: 2\n", newText: undefined },
];

for (const c of applyCases) {
  test(`git apply accepts the patch: ${c.name}`, async (t) => {
    const dir = await tempDir("text-diff");
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "conf.yaml");
    if (c.oldText !== undefined) await writeFile(file, c.oldText);

    const patch = unifiedDiff(c.oldText ?? "", c.newText ?? "", {
      oldLabel: c.oldText === undefined ? "/dev/null" : "a/conf.yaml",
      newLabel: c.newText === undefined ? "/dev/null" : "b/conf.yaml",
    });
    await writeFile(path.join(dir, "change.patch"), patch);

    const check = git(dir, ["apply", "--check", "change.patch"]);
    t.is(check.status, 0, check.stderr);
    const apply = git(dir, ["apply", "change.patch"]);
    t.is(apply.status, 0, apply.stderr);
    if (c.newText === undefined) {
      t.false(existsSync(file));
    } else {
      t.is(await readFile(file, "utf8"), c.newText);
    }
  });
}

test("git apply --check rejects a patch against the wrong base (the check can fail)", async (t) => {
  const dir = await tempDir("text-diff");
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const oldText = numberedLines(20).join("");
  const patch = unifiedDiff(oldText, oldText.replace("line 10\n", "ten\n"), {
    oldLabel: "a/conf.yaml",
    newLabel: "b/conf.yaml",
  });
  await writeFile(path.join(dir, "conf.yaml"), oldText.replace("line 10\n", "something else\n"));
  await writeFile(path.join(dir, "change.patch"), patch);
  t.not(git(dir, ["apply", "--check", "change.patch"]).status, 0);
});
