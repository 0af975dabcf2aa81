// write: the first step with side effects. All new contents are written to
// temporary files first; only when every one of them is on disk are they
// renamed into place, so a failure while writing leaves the previous tree as it was.
import { mkdir, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError } from "./errors.js";
import { FILE_CONCURRENCY, mapLimit } from "./map-limit.js";
import type { Plan } from "./plan.js";
import { tempPath } from "./temp-files.js";

function writeError(path: string, err: unknown, state: string): UserError {
  const e = err as NodeJS.ErrnoException;
  return new UserError(`could not write ${path}: ${e.code ?? "error"}: ${e.message}\n${state}`);
}

export async function applyPlan(dir: string, plan: Plan): Promise<void> {
  const writes = plan.changes.filter((c) => c.after !== undefined);
  const staged: { path: string; tmp: string }[] = [];
  // Several files in flight at a time (a fleet has thousands); every write settles before the clean-up looks at `staged`.
  let failure: { path: string; err: unknown } | undefined;
  // One mkdir per folder; a failure names the first file that needed it.
  const folders = new Map<string, string>();
  for (const c of writes) if (!folders.has(dirname(c.path))) folders.set(dirname(c.path), c.path);
  await mapLimit([...folders], FILE_CONCURRENCY, ([folder, file]) =>
    mkdir(join(dir, folder), { recursive: true }).catch((err: unknown) => void (failure ??= { path: file, err })),
  );
  await mapLimit(writes, FILE_CONCURRENCY, async (c) => {
    if (failure) return;
    const tmp = tempPath(join(dir, c.path));
    // wx: a fresh file, never through something already at that name.
    await writeFile(tmp, c.after!, { encoding: "utf8", flag: "wx" }).then(
      () => void staged.push({ path: c.path, tmp }),
      (err: unknown) => void (failure ??= { path: c.path, err }),
    );
  });
  if (failure) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true }).catch(() => {})));
    throw writeError(failure.path, failure.err, "Nothing was changed: every generated file is as it was.");
  }
  // Same-directory renames are atomic per file and do not fail for lack of space.
  const renamed = new Set<string>();
  try {
    await mapLimit(staged, FILE_CONCURRENCY, async (s) => {
      await rename(s.tmp, join(dir, s.path));
      renamed.add(s.tmp);
    });
  } catch (err) {
    const left = staged.filter((s) => !renamed.has(s.tmp));
    await Promise.all(left.map((s) => rm(s.tmp, { force: true }).catch(() => {})));
    throw writeError(
      left[0]?.path ?? "a generated file",
      err,
      `${renamed.size} of ${staged.length} files were already replaced: fix the problem and run the scaffold again with --force to finish.`,
    );
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
