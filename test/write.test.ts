// The write step: a failure while writing leaves the previous tree as it was.
import test from "ava";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyPlan } from "../generator/write.js";
import { tempDir } from "./support/temp.js";

test("a write that fails part-way changes no file and leaves no temporary file", async (t) => {
  const dir = await tempDir("write");
  await mkdir(join(dir, "overlays", "dev"), { recursive: true });
  await writeFile(join(dir, "overlays", "dev", "a.yaml"), "old a\n");
  await writeFile(join(dir, "overlays", "dev", "gone.yaml"), "old gone\n");
  // A directory where the second file's temporary copy must go makes that write fail.
  await mkdir(join(dir, "overlays", "dev", "b.yaml.kafka-gitops-tmp"));
  const plan = {
    changes: [
      { path: "overlays/dev/a.yaml", kind: "changed" as const, before: "old a\n", after: "new a\n" },
      { path: "overlays/dev/b.yaml", kind: "added" as const, after: "new b\n" },
      { path: "overlays/dev/gone.yaml", kind: "removed" as const, before: "old gone\n" },
    ],
    unchanged: 0,
    conflicts: [],
  };
  await t.throwsAsync(applyPlan(dir, plan));
  t.is(await readFile(join(dir, "overlays", "dev", "a.yaml"), "utf8"), "old a\n");
  t.is(await readFile(join(dir, "overlays", "dev", "gone.yaml"), "utf8"), "old gone\n", "nothing removed either");
  t.deepEqual((await readdir(join(dir, "overlays", "dev"))).sort(), ["a.yaml", "b.yaml.kafka-gitops-tmp", "gone.yaml"]);
});

test("a successful write replaces, adds and removes, and drops emptied folders", async (t) => {
  const dir = await tempDir("write");
  await mkdir(join(dir, "overlays", "old"), { recursive: true });
  await writeFile(join(dir, "overlays", "old", "x.yaml"), "x\n");
  await applyPlan(dir, {
    changes: [
      { path: "overlays/new/y.yaml", kind: "added", after: "y\n" },
      { path: "overlays/old/x.yaml", kind: "removed", before: "x\n" },
    ],
    unchanged: 0,
    conflicts: [],
  });
  t.deepEqual(await readdir(join(dir, "overlays")), ["new"]);
  t.is(await readFile(join(dir, "overlays", "new", "y.yaml"), "utf8"), "y\n");
});
