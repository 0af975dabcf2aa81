// Names of the temporary files the writer stages new contents in, and the search
// for ones a killed run left behind. A name carries the writing process's pid and
// a random suffix, so two runs never share one; the names never reach the output.
import { randomBytes } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { listFiles } from "./disk.js";
import { GENERATED_ROOTS } from "./layout.js";

const MARK = ".kafka-gitops-tmp";
/** Also matches the bare suffix older versions used. */
const TEMP_NAME = /\.kafka-gitops-tmp(-\d+-[0-9a-f]+)?$/;

export function tempPath(target: string): string {
  return `${target}${MARK}-${process.pid}-${randomBytes(6).toString("hex")}`;
}

export function isTempPath(path: string): boolean {
  return TEMP_NAME.test(path);
}

/** Temporary files below the generated folders and next to the top-level generated files, as paths relative to `dir`. */
export async function findLeftovers(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const root of GENERATED_ROOTS) found.push(...(await listFiles(dir, root)).filter(isTempPath));
  const top = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of top) if (e.isFile() && isTempPath(e.name)) found.push(e.name);
  return found.sort();
}

/**
 * Only called while holding the lock, so no live run owns any of them: each is a
 * copy a killed run never renamed into place, and the tree is re-rendered anyway.
 */
export async function removeLeftovers(dir: string, paths: readonly string[]): Promise<void> {
  for (const p of paths) await rm(join(dir, p), { force: true });
}

/** One line for the output: how many, and which runs left them. */
export function leftoverNote(paths: readonly string[], removed: boolean): string {
  const pids = [...new Set(paths.map((p) => /-(\d+)-[0-9a-f]+$/.exec(p)?.[1]).filter((x) => x !== undefined))];
  const runs = pids.length ? ` (pid ${pids.join(", ")})` : "";
  const n = `${paths.length} temporary file${paths.length === 1 ? "" : "s"}`;
  return removed
    ? `removed ${n} left by an interrupted kafka-gitops run${runs}; they were never part of the tree`
    : `note: ${n} left by an interrupted kafka-gitops run${runs}; the next scaffold removes them`;
}
