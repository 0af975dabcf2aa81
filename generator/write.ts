// write: the first step with side effects. All new contents are written to
// temporary files first; only when every one of them is on disk are they
// renamed into place, so a failure while writing leaves the previous tree as it was.
import { mkdir, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Plan } from "./plan.js";

const TMP_SUFFIX = ".kafka-gitops-tmp";

export async function applyPlan(dir: string, plan: Plan): Promise<void> {
  const writes = plan.changes.filter((c) => c.after !== undefined);
  const staged: string[] = [];
  try {
    for (const c of writes) {
      const target = join(dir, c.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target + TMP_SUFFIX, c.after!, "utf8");
      staged.push(target + TMP_SUFFIX);
    }
  } catch (err) {
    await Promise.all(staged.map((t) => rm(t, { force: true })));
    throw err;
  }
  // Same-directory renames are atomic per file and do not fail for lack of space.
  for (const c of writes) await rename(join(dir, c.path) + TMP_SUFFIX, join(dir, c.path));
  for (const c of plan.changes.filter((c) => c.kind === "removed")) {
    await rm(join(dir, c.path), { force: true });
    await removeEmptyParents(dir, dirname(c.path));
  }
}

/** A removed environment should not leave an empty overlays/<env>/ behind. */
async function removeEmptyParents(dir: string, rel: string): Promise<void> {
  while (rel && rel !== ".") {
    const abs = join(dir, rel);
    let entries: string[];
    try {
      entries = await readdir(abs);
    } catch {
      return;
    }
    if (entries.length > 0) return;
    await rmdir(abs);
    rel = dirname(rel);
  }
}
