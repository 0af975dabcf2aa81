// Runs git directly (not through simple-git) for the calls that need standard
// input or the user's identity variables: simple-git removes every ambient GIT_*
// variable, so a commit made through it would not see GIT_AUTHOR_NAME and friends,
// and it cannot feed a commit message or a path list on standard input.
import { spawn } from "node:child_process";

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * GIT_* variables git itself reads as identity or configuration sources. Every
 * other GIT_* variable (GIT_DIR, GIT_INDEX_FILE, GIT_EDITOR, ...) is dropped, as
 * simple-git does, so these calls act on the same repository as all the others.
 */
const PASSED = /^GIT_((AUTHOR|COMMITTER)_(NAME|EMAIL|DATE)|CONFIG_(GLOBAL|SYSTEM|NOSYSTEM|COUNT|KEY_\d+|VALUE_\d+))$/;

export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.toUpperCase().startsWith("GIT_") || PASSED.test(key)) out[key] = value;
  return out;
}

/** Never rejects for a non-zero exit: the caller reads `code`. `input` goes to standard input. */
export function runGit(dir: string, args: readonly string[], input?: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, env: gitEnv(), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    // git may exit before reading all of its input (e.g. on a usage error); that is reported through `code`.
    child.stdin.on("error", () => {});
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.end(input ?? "");
  });
}
