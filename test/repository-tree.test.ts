// This repository's own config reproduces the committed tree byte for byte,
// the editor schema is current, and the CLI starts fast.
import test from "ava";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderJsonSchema } from "../generator/render/render.js";
import { runScaffold } from "../generator/scaffold.js";
import { CLI, REPO_ROOT } from "./support/paths.js";

const exec = promisify(execFile);

test("kafka-gitops.yaml reproduces the committed base/, overlays/ and clusters/", async (t) => {
  const lines: string[] = [];
  const result = await runScaffold({ dir: REPO_ROOT, commit: false, check: true, dryRun: false, force: false }, (l) => lines.push(l));
  t.is(result.exitCode, 0, lines.join("\n"));
  t.is(result.plan.changes.length, 0);
  t.true(result.plan.unchanged > 20);
});

test("the committed JSON Schema is the one the zod schema generates, and the config points editors at it", async (t) => {
  t.is(await readFile(join(REPO_ROOT, "kafka-gitops.schema.json"), "utf8"), renderJsonSchema());
  const first = (await readFile(join(REPO_ROOT, "kafka-gitops.yaml"), "utf8")).split("\n")[0];
  t.is(first, "# yaml-language-server: $schema=./kafka-gitops.schema.json");
});

test("the CLI starts fast: --help and scaffold --check", async (t) => {
  const time = async (args: string[]) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await exec(process.execPath, [CLI, ...args], { cwd: REPO_ROOT });
      runs.push(performance.now() - started);
    }
    return runs.sort((a, b) => a - b)[1]!;
  };
  const help = await time(["--help"]);
  const check = await time(["scaffold", "--check"]);
  t.log(`median: --help ${help.toFixed(0)} ms, scaffold --check ${check.toFixed(0)} ms`);
  // Generous bounds for a loaded CI machine; typical numbers are about 50 ms and 200 ms.
  t.true(help < 400, `--help took ${help} ms`);
  t.true(check < 1500, `scaffold --check took ${check} ms`);
});
