// plan: new tree + what is on disk -> which files to add, change and remove.
// Pure, so --check and --dry-run are just a look at the plan.
import type { DiskState } from "./disk.js";
import type { FileTree } from "./render/tree.js";

export interface FileChange {
  path: string;
  kind: "added" | "changed" | "removed";
  /** Text on disk before (undefined for added files). */
  before?: string;
  /** Text after (undefined for removed files). */
  after?: string;
}

export interface Plan {
  changes: FileChange[];
  unchanged: number;
  /** Hand-written files the new tree would overwrite. */
  conflicts: string[];
}

/** With `overwriteHandWritten` (--force) a hand-written file at a generated path becomes a change instead of a conflict. */
export function planChanges(tree: FileTree, disk: DiskState, overwriteHandWritten = false): Plan {
  const changes: FileChange[] = [];
  const conflicts: string[] = [];
  let unchanged = 0;
  for (const [path, after] of tree) {
    const handWritten = disk.handWritten.get(path);
    if (handWritten !== undefined) {
      if (overwriteHandWritten) changes.push({ path, kind: "changed", before: handWritten, after });
      else conflicts.push(path);
      continue;
    }
    const before = disk.generated.get(path);
    if (before === undefined) changes.push({ path, kind: "added", after });
    else if (before !== after) changes.push({ path, kind: "changed", before, after });
    else unchanged++;
  }
  for (const [path, before] of disk.generated) if (!tree.has(path)) changes.push({ path, kind: "removed", before });
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes, unchanged, conflicts };
}
