// Reads what is on disk where the generator writes: the files it generated
// earlier (the paths its record, GENERATED_LIST, names) and any other file
// sitting at a path the new tree wants. overlays/<env>/local/ is never read here.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { FILE_CONCURRENCY, mapLimit } from "./map-limit.js";
import { parseGeneratedList } from "./generated-list.js";
import { GENERATED_LIST, GENERATED_MARKER, GENERATED_ROOTS, GENERATED_TOP_FILES, isLocalPath } from "./layout.js";
import type { FileTree } from "./render/tree.js";
import { withPath } from "./errors.js";

export interface DiskState {
  /** Files the generator wrote earlier: path -> text. */
  generated: Map<string, string>;
  /** Files it did not write, at a path the new tree wants to write: path -> text. */
  handWritten: Map<string, string>;
}

export function isGenerated(text: string): boolean {
  // The marker sits in the first lines (a comment, or JSON's $comment).
  return text.slice(0, 400).includes(GENERATED_MARKER);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw withPath(err, path);
  }
}

/** Files below `dir/rel`, as paths relative to `dir`; a missing folder has none. */
export async function listFiles(dir: string, rel: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(dir, rel), { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw err;
  }
  // Sub-folders are listed concurrently (one overlays/<env>/ each); the result keeps the entries' order.
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(dir, `${rel}/${e.name}`) : Promise.resolve(e.isFile() ? [`${rel}/${e.name}`] : []))),
  );
  return nested.flat();
}

/**
 * Which files are the generator's own: those its record lists. A tree written
 * before the record existed has none; there, and only there, the header decides
 * (once: the next write adds the record).
 */
export async function readDiskState(dir: string, tree: FileTree): Promise<DiskState> {
  const list = await readText(join(dir, GENERATED_LIST));
  const recorded = list !== undefined ? parseGeneratedList(list) : undefined;
  const candidates = new Set<string>([...GENERATED_TOP_FILES, ...tree.keys(), ...(recorded ?? [])]);
  if (!recorded) for (const root of GENERATED_ROOTS) for (const p of await listFiles(dir, root)) if (!isLocalPath(p)) candidates.add(p);
  const generated = new Map<string, string>();
  const handWritten = new Map<string, string>();
  const paths = [...candidates].sort();
  // Read concurrently: one read after the other waits on the disk once per file.
  const texts = await mapLimit(paths, FILE_CONCURRENCY, (path) => readText(join(dir, path)));
  for (const [i, path] of paths.entries()) {
    const text = texts[i];
    if (text === undefined) continue;
    const own = recorded ? recorded.has(path) : isGenerated(text);
    if (own) generated.set(path, text);
    else if (tree.has(path)) handWritten.set(path, text);
  }
  return { generated, handWritten };
}
