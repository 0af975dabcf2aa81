// Real temporary git repositories for the scaffold tests: a work tree with a
// local identity, and a bare repository as its origin.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { tempDir } from "./temp.js";

const exec = promisify(execFile);

export async function git(dir: string, ...args: string[]): Promise<string> {
  return (await exec("git", args, { cwd: dir })).stdout;
}

export async function tempRepo(config?: string, opts: { identity?: boolean } = {}): Promise<string> {
  const dir = await tempDir("repo");
  const remote = await tempDir("remote");
  await git(remote, "init", "--bare", "--quiet", "--initial-branch=main");
  await git(dir, "init", "--quiet", "--initial-branch=main");
  if (opts.identity !== false) {
    await git(dir, "config", "user.name", "Test User");
    await git(dir, "config", "user.email", "test@example.com");
  }
  await git(dir, "remote", "add", "origin", remote);
  if (config !== undefined) await writeFile(join(dir, "kafka-gitops.yaml"), config);
  return dir;
}

export async function commitCount(dir: string): Promise<number> {
  try {
    return Number((await git(dir, "rev-list", "--count", "HEAD")).trim());
  } catch {
    return 0;
  }
}
