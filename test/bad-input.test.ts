// Every invalid config of the table, through the real CLI in a real git
// repository: exit 1, every problem listed with its path, nothing written,
// nothing committed.
import test from "ava";
import { execFile } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { commitCount, git, tempRepo } from "./support/git-repo.js";
import { INVALID_CONFIGS } from "./support/invalid-configs.js";
import { CLI } from "./support/paths.js";

const exec = promisify(execFile);

test(`all ${INVALID_CONFIGS.length} invalid configs are refused completely, and nothing is written or committed`, async (t) => {
  t.true(INVALID_CONFIGS.length >= 30);
  const dir = await tempRepo("placeholder\n");
  await git(dir, "add", "kafka-gitops.yaml");
  await git(dir, "commit", "-qm", "start");
  for (const [name, text, expected] of INVALID_CONFIGS) {
    await writeFile(join(dir, "kafka-gitops.yaml"), text);
    const run = await exec(process.execPath, [CLI, "scaffold", "--dir", dir], { env: { PATH: process.env["PATH"], HOME: dir } }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    t.is(run.code, 1, name);
    t.regex(run.stderr, new RegExp(`kafka-gitops\\.yaml: ${expected.length} problems?; nothing was written`), name);
    for (const line of expected) t.true(run.stderr.includes(`  ${line}\n`), `${name}: ${line}`);
  }
  t.deepEqual((await readdir(dir)).sort(), [".git", "kafka-gitops.yaml"], "nothing written");
  t.is(await commitCount(dir), 1, "nothing committed");
});
