// write: the first step with side effects. All new contents are written to
// temporary files first; only when every one of them is on disk are they
// renamed into place, so a failure while writing leaves the previous tree as it was.
import { mkdir, readdir, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FILE_CONCURRENCY, mapLimit } from "./map-limit.js";
import type { Plan } from "./plan.js";

const TMP_SUFFIX = ".kafka-gitops-tmp";

export async function applyPlan(dir: string, plan: Plan): Promise<void> {
  const writes = plan.changes.filter((c) => c.after !== undefined);
  const staged: string[] = [];
  // Several files in flight at a time (a fleet has thousands); every write settles before the clean-up looks at `staged`.
  let failure: { err: unknown } | undefined;
  await mapLimit([...new Set(writes.map((c) => dirname(join(dir, c.path))))], FILE_CONCURRENCY, (d) =>
    mkdir(d, { recursive: true }).catch((err: unknown) => void (failure ??= { err })),
  );
  await mapLimit(writes, FILE_CONCURRENCY, async (c) => {
    if (failure) return;
    const tmp = join(dir, c.path) + TMP_SUFFIX;
    await writeFile(tmp, c.after!, "utf8").then(
      () => void staged.push(tmp),
      (err: unknown) => void (failure ??= { err }),
    );
  });
  if (failure) {
    await Promise.all(staged.map((t) => rm(t, { force: true })));
    throw failure.err;
  }
  // Same-directory renames are atomic per file and do not fail for lack of space.
  await mapLimit(writes, FILE_CONCURRENCY, (c) => rename(join(dir, c.path) + TMP_SUFFIX, join(dir, c.path)));
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
