// Checks, before anything is read or written, that every generated path is a
// plain path inside the repository: no symbolic link at or above it (an overlay
// folder or `base` linked elsewhere would make the scaffold read and write
// another folder, or another repository), no folder where a file goes, no file
// where a folder goes; and, before the first write, that every folder it writes
// into is writable. All problems are reported together.
import { constants } from "node:fs";
import { access, lstat, readlink, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { UserError } from "./errors.js";
import type { Plan } from "./plan.js";

type Kind = "missing" | "dir" | "file" | "symlink" | "other";

async function kindOf(abs: string): Promise<Kind> {
  try {
    const st = await lstat(abs);
    return st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw err;
  }
}

function inside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

async function describeLink(root: string, abs: string): Promise<string> {
  const target = await readlink(abs).catch(() => "?");
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined) return `a symbolic link to ${target} (which does not exist)`;
  return inside(root, real)
    ? `a symbolic link to ${target} (${relative(root, real) || "."}, another place in this repository)`
    : `a symbolic link to ${target}, outside the repository`;
}

/** `files` and `folders` are relative to `dir`. Throws one UserError listing every problem. */
export async function checkGeneratedPaths(dir: string, files: Iterable<string>, folders: Iterable<string> = []): Promise<void> {
  const folderSet = new Set(folders);
  const paths = [...folderSet, ...files];
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return; // No folder yet: nothing there to follow.
  }
  const kinds = new Map<string, Kind>();
  const kind = async (rel: string) => {
    let k = kinds.get(rel);
    if (k === undefined) kinds.set(rel, (k = await kindOf(join(root, rel))));
    return k;
  };
  const problems = new Map<string, string>();
  // The first path through a place describes it; later ones would only repeat it.
  const report = (rel: string, text: string) => void (problems.has(rel) || problems.set(rel, text));
  for (const path of paths) {
    const parts = path.split("/");
    if (isAbsolute(path) || parts.some((p) => p === "" || p === "." || p === "..")) {
      report(path, `${path}: not a plain path inside the repository`);
      continue;
    }
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join("/");
      const k = await kind(rel);
      if (k === "missing") break;
      const last = i === parts.length && !folderSet.has(path);
      if (k === "symlink") {
        report(
          rel,
          `${rel}: is ${await describeLink(root, join(root, rel))}; kafka-gitops never writes through a symbolic link. ` +
            `Replace it with a real ${last ? "file" : "folder"} (\`rm ${rel}\`, then scaffold again; copy anything you need from the link's target first).`,
        );
        break;
      }
      if (!last && k !== "dir") {
        const needs = folderSet.has(path) && i === parts.length ? "kafka-gitops" : path;
        report(rel, `${rel}: is a ${k === "file" ? "file" : "special file"}, but ${needs} needs it to be a folder: move it away (\`mv ${rel} ${rel}.moved\`).`);
        break;
      }
      if (last && k === "dir") report(rel, `${rel}: is a folder, but kafka-gitops writes a file there: move the folder away (\`mv ${rel} ${rel}.moved\`).`);
      else if (last && k === "other")
        report(rel, `${rel}: is a special file (a pipe, socket or device), but kafka-gitops writes a regular file there: remove it.`);
    }
  }
  // Without links every path stays inside; this catches what lstat cannot see (a folder replaced while we looked).
  if (problems.size === 0)
    for (const path of paths) {
      let rel = dirname(path);
      while (rel !== "." && (await kind(rel)) === "missing") rel = dirname(rel);
      const real = await realpath(join(root, rel)).catch(() => undefined);
      if (real !== undefined && !inside(root, real)) problems.set(rel, `${rel}: leads outside the repository (to ${real}); replace it with a real folder.`);
    }
  if (problems.size)
    throw new UserError(
      `${problems.size} generated path${problems.size === 1 ? " is" : "s are"} unsafe to write in ${dir}; nothing was written:\n` +
        [...problems.keys()]
          .sort()
          .map((k) => `  ${problems.get(k)}`)
          .join("\n"),
    );
}

function whyNotWritable(code: string | undefined): string {
  if (code === "EROFS") return "is on a read-only file system";
  if (code === "EPERM") return "does not allow changes (immutable? see `lsattr -d`)";
  return "is not writable by this user";
}

/** Every folder a write creates a file in (or the nearest existing one above it) and every folder a file is removed from. */
export async function checkWritable(dir: string, plan: Plan): Promise<void> {
  const needs = new Map<string, string>(); // existing folder -> first file that needs it
  const existing = new Map<string, boolean>();
  const exists = async (rel: string) => {
    let e = existing.get(rel);
    if (e === undefined) existing.set(rel, (e = (await kindOf(join(dir, rel))) !== "missing"));
    return e;
  };
  for (const c of plan.changes) {
    let rel = dirname(c.path);
    while (rel !== "." && !(await exists(rel))) rel = dirname(rel);
    if (!needs.has(rel)) needs.set(rel, c.path);
  }
  const problems: string[] = [];
  for (const [rel, path] of [...needs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    try {
      await access(join(dir, rel), constants.W_OK | constants.X_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const shown = rel === "." ? "the repository folder" : rel;
      problems.push(
        `  ${shown} ${whyNotWritable(code)} (${code}), and kafka-gitops must write ${path} there: ` +
          `make it writable (\`chmod u+w ${rel}\`, or \`chown\` it to this user), or run as its owner.`,
      );
    }
  }
  if (problems.length) throw new UserError(`cannot write the generated tree into ${dir}; nothing was written:\n${problems.join("\n")}`);
}
