// write: the first step with side effects. All new contents are written to
// temporary files first; only when every one of them is on disk are they
// renamed into place, so a failure while writing leaves the previous tree as it was.
import { mkdir, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError } from "./errors.js";
import type { Plan } from "./plan.js";
import { tempPath } from "./temp-files.js";

function writeError(path: string, err: unknown, state: string): UserError {
  const e = err as NodeJS.ErrnoException;
  return new UserError(`could not write ${path}: ${e.code ?? "error"}: ${e.message}\n${state}`);
}

export async function applyPlan(dir: string, plan: Plan): Promise<void> {
  const writes = plan.changes.filter((c) => c.after !== undefined);
  const staged: { path: string; tmp: string }[] = [];
  for (const c of writes) {
    const target = join(dir, c.path);
    const tmp = tempPath(target);
    try {
      await mkdir(dirname(target), { recursive: true });
      // wx: a fresh file, never through something already at that name.
      await writeFile(tmp, c.after!, { encoding: "utf8", flag: "wx" });
    } catch (err) {
      await Promise.all([tmp, ...staged.map((s) => s.tmp)].map((t) => rm(t, { force: true }).catch(() => {})));
      throw writeError(c.path, err, "Nothing was changed: every generated file is as it was.");
    }
    staged.push({ path: c.path, tmp });
  }
  // Same-directory renames are atomic per file and do not fail for lack of space.
  let done = 0;
  try {
    for (const s of staged) {
      await rename(s.tmp, join(dir, s.path));
      done++;
    }
  } catch (err) {
    await Promise.all(staged.slice(done).map((s) => rm(s.tmp, { force: true })));
    throw writeError(staged[done]!.path, err, `${done} of ${staged.length} files were already replaced: fix the problem and run the scaffold again with --force to finish.`);
  }
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
