// The in-memory result of a render: repository-relative path -> file text.
// Everything up to the write step produces or compares these; nothing touches disk.

export type FileTree = ReadonlyMap<string, string>;

/** Builds a tree with paths in sorted order, so iteration (and every listing) is stable. */
export function fileTree(entries: Iterable<readonly [string, string]>): FileTree {
  const all = [...entries];
  const seen = new Set<string>();
  for (const [path] of all) {
    if (seen.has(path)) throw new Error(`internal: two renderers produced ${path}`);
    seen.add(path);
  }
  return new Map(all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
