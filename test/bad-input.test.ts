// Every invalid and hostile config of the tables, through the real CLI in a real
// git repository that already holds a generated tree: exit 1, every problem
// listed with its path and fix, no stack trace, no raw control character on the
// terminal, and afterwards the same HEAD, the same index and the same files.
import test from "ava";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { git, tempRepo } from "./support/git-repo.js";
import { HOSTILE_CONFIGS, INVALID_CONFIGS, REPO } from "./support/invalid-configs.js";
import { CLI } from "./support/paths.js";

const exec = promisify(execFile);

const VALID = REPO + "environments:\n  dev: {brokers: 1}\n  prod: {brokers: 3, config: {log.retention.ms: 604800000}}\n";

/** Path and content hash of every file outside .git except the config the test rewrites. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (path === ".git" || path.startsWith(".git/") || path === "kafka-gitops.yaml") continue;
    const hash = entry.isFile()
      ? createHash("sha256")
          .update(await readFile(join(dir, path)))
          .digest("hex")
      : entry.isDirectory()
        ? "dir"
        : "other";
    out.push(`${path} ${hash}`);
  }
  return out.sort();
}

async function state(dir: string) {
  return {
    head: (await git(dir, "rev-parse", "HEAD")).trim(),
    index: await git(dir, "ls-files", "--stage"),
    // Only the config (which the test itself rewrites) may differ from HEAD.
    status: (await git(dir, "status", "--porcelain", "--untracked-files=all")).split("\n").filter((l) => l && !l.endsWith(" kafka-gitops.yaml")),
    files: await snapshot(dir),
  };
}

const CASES = [...INVALID_CONFIGS, ...HOSTILE_CONFIGS];
/** Cases per test: each chunk gets its own repository and runs beside the others, within ava's timeout. */
const CHUNK = 12;

test("the tables hold at least 40 hostile cases", (t) => {
  t.true(HOSTILE_CONFIGS.length >= 40);
  t.is(new Set(CASES.map(([name]) => name)).size, CASES.length, "case names are unique");
});

for (let from = 0; from < CASES.length; from += CHUNK) {
  const cases = CASES.slice(from, from + CHUNK);
  test(`invalid and hostile configs ${from + 1}-${from + cases.length} of ${CASES.length} are refused completely, and nothing is written or committed`, async (t) => {
    const dir = await tempRepo(VALID);
    const remote = (await git(dir, "remote", "get-url", "origin")).trim();
    t.teardown(() => Promise.all([rm(dir, { recursive: true, force: true }), rm(remote, { recursive: true, force: true })]));
    const run = (args: string[]) =>
      exec(process.execPath, [CLI, ...args], { env: { PATH: process.env["PATH"], HOME: dir, GIT_CONFIG_NOSYSTEM: "1" }, maxBuffer: 64 * 1024 * 1024 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
      );
    // A real generated tree, committed: a bad config must leave it exactly as it is.
    const first = await run(["scaffold", "--dir", dir]);
    t.is(first.code, 0, first.stderr);
    const before = await state(dir);
    t.true(
      before.files.some((f) => f.startsWith("overlays/prod/kafka.env ")),
      "the tree was generated",
    );

    for (const [name, text, expected] of cases) {
      await writeFile(join(dir, "kafka-gitops.yaml"), text);
      const result = await run(["scaffold", "--dir", dir]);
      t.is(result.code, 1, name);
      t.regex(result.stderr, new RegExp(`kafka-gitops\\.yaml: ${expected.length} problems?; nothing was written`), name);
      for (const line of expected) t.true(result.stderr.includes(`  ${line}\n`), `${name}: ${line}\n--- got:\n${result.stderr}`);
      t.notRegex(result.stderr, /^\s+at .+[:(]/m, `${name}: no stack trace`);
      t.notRegex(result.stderr + result.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/, `${name}: no raw control character printed`);
      t.deepEqual(await state(dir), before, `${name}: HEAD, index and files unchanged`);
    }
  });
}
