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
  // A file where the second file's folder must go makes that write fail.
  await writeFile(join(dir, "overlays", "dev", "b"), "a file, not a folder\n");
  const plan = {
    changes: [
      { path: "overlays/dev/a.yaml", kind: "changed" as const, before: "old a\n", after: "new a\n" },
      { path: "overlays/dev/b/c.yaml", kind: "added" as const, after: "new c\n" },
      { path: "overlays/dev/gone.yaml", kind: "removed" as const, before: "old gone\n" },
    ],
    unchanged: 0,
    conflicts: [],
  };
  await t.throwsAsync(applyPlan(dir, plan), { message: /^could not write overlays\/dev\/b\/c\.yaml: (ENOTDIR|EEXIST): [\s\S]*Nothing was changed/ });
  t.is(await readFile(join(dir, "overlays", "dev", "a.yaml"), "utf8"), "old a\n");
  t.is(await readFile(join(dir, "overlays", "dev", "gone.yaml"), "utf8"), "old gone\n", "nothing removed either");
  t.deepEqual((await readdir(join(dir, "overlays", "dev"))).sort(), ["a.yaml", "b", "gone.yaml"], "the staged copy of a.yaml is removed");
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
