// This repository's own config reproduces the committed tree byte for byte,
// and the editor schema is current. (CLI speed is measured by npm run bench.)
import test from "ava";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { renderJsonSchema } from "../generator/render/render.js";
import { runScaffold } from "../generator/scaffold.js";
import { REPO_ROOT } from "./support/paths.js";

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
