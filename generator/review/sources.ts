// review/sources: the two sides of a diff as file trees, and `kubectl kustomize`.
// Read-only: git is asked for a revision's files (ls-tree + cat-file, no
// checkout, nothing written to the repository) and the working tree is read from disk.
import { listFiles } from "../disk.js";
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { UserError, withPath } from "../errors.js";
import { GENERATED_ROOTS } from "../layout.js";
import { fileTree, type FileTree } from "../render/tree.js";
import { FILE_CONCURRENCY, mapLimit } from "../map-limit.js";

export interface Output {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, input?: string): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

export async function git(dir: string, args: string[], input?: string): Promise<Output> {
  try {
    return await run("git", args, dir, input);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UserError("git not found on PATH: `diff` reads the base revision with git");
    throw err;
  }
}

export interface RevisionTree {
  /** Files under base/, overlays/ and clusters/ at the revision (paths relative to the directory). */
  files: FileTree;
  /** Short commit id, or undefined for HEAD of a repository without commits. */
  commit?: string;
}

/** The generated roots as they are at `ref` in the repository that contains `dir`. */
export async function readRevision(dir: string, ref: string): Promise<RevisionTree> {
  const inside = await git(dir, ["rev-parse", "--is-inside-work-tree"]);
  if (inside.code !== 0 || inside.stdout.toString().trim() !== "true")
    throw new UserError(`${dir} is not inside a git repository: \`diff\` compares the working tree with a git revision (--base)`);
  const resolved = await git(dir, ["rev-parse", "--verify", "--quiet", "--short", `${ref}^{commit}`]);
  if (resolved.code !== 0) {
    const noCommits = ref === "HEAD" && (await git(dir, ["rev-parse", "--verify", "--quiet", "HEAD"])).code !== 0;
    if (noCommits) return { files: fileTree([]) };
    throw new UserError(
      `unknown revision "${ref}": pass a branch, tag or commit with --base (in CI, fetch it first, e.g. \`git fetch origin main\` and --base origin/main)`,
    );
  }
  const commit = resolved.stdout.toString().trim();
  // Paths come back relative to dir, so --dir may be a subfolder of the repository.
  const listing = await git(dir, ["ls-tree", "-r", "-z", commit, "--", ...GENERATED_ROOTS]);
  if (listing.code !== 0) throw new UserError(`git ls-tree ${ref} failed: ${listing.stderr.trim()}`);
  const blobs: Array<{ oid: string; path: string }> = [];
  for (const entry of listing.stdout.toString("utf8").split("\0")) {
    const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    // Symlinks (120000) and submodules are not part of a rendered tree.
    if (m && m[1] !== "120000") blobs.push({ oid: m[2]!, path: m[3]! });
  }
  if (blobs.length === 0) return { files: fileTree([]), commit };
  const batch = await git(dir, ["cat-file", "--batch"], blobs.map((b) => b.oid).join("\n") + "\n");
  if (batch.code !== 0) throw new UserError(`git cat-file failed: ${batch.stderr.trim()}`);
  const files: Array<[string, string]> = [];
  let pos = 0;
  for (const blob of blobs) {
    const nl = batch.stdout.indexOf(0x0a, pos);
    const header = batch.stdout.subarray(pos, nl).toString();
    const size = Number(header.split(" ")[2]);
    if (!Number.isInteger(size)) throw new Error(`git cat-file: unexpected header "${header}"`);
    files.push([blob.path, batch.stdout.subarray(nl + 1, nl + 1 + size).toString("utf8")]);
    pos = nl + 1 + size + 1;
  }
  return { files: fileTree(files), commit };
}

/** Every file under base/, overlays/ and clusters/ in the working tree, generated or not (kustomize reads them all). */
export async function readWorkingTree(dir: string): Promise<FileTree> {
  const paths = (await Promise.all(GENERATED_ROOTS.map((root) => listFiles(dir, root)))).flat();
  const read = (p: string) => readFile(join(dir, p), "utf8").catch((err: unknown) => Promise.reject(withPath(err, join(dir, p))));
  return fileTree(await mapLimit(paths, FILE_CONCURRENCY, async (p): Promise<[string, string]> => [p, await read(p)]));
}

/** kubectl on PATH, found without starting it (so a missing kubectl is reported before any work). */
export function findKubectl(): string | undefined {
  const names = process.platform === "win32" ? ["kubectl.exe", "kubectl.cmd"] : ["kubectl"];
  for (const d of (process.env["PATH"] ?? "").split(delimiter)) {
    for (const n of names) {
      try {
        accessSync(join(d, n), constants.X_OK);
        return join(d, n);
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export const KUBECTL_MISSING =
  "kubectl not found on PATH: `diff` renders every environment with `kubectl kustomize`, as Argo CD does. Install kubectl >= 1.27 (only this command needs it).";

export type Rendered = { ok: true; text: string } | { ok: false; error: string };

/** `kubectl kustomize <dir>`; a failing overlay is a result, not an exception, so the other environments are still reported. */
export async function kustomize(kubectl: string, dir: string): Promise<Rendered> {
  let out: Output;
  try {
    out = await run(kubectl, ["kustomize", dir], dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new UserError(KUBECTL_MISSING);
    throw err;
  }
  if (out.code !== 0) return { ok: false, error: `kubectl kustomize failed: ${out.stderr.trim().split("\n").slice(0, 3).join(" ")}` };
  return { ok: true, text: out.stdout.toString("utf8") };
}

// Shared with disk.ts; re-exported so diff.ts keeps importing it from here.
export { mapLimit } from "../map-limit.js";
