// Temporary folders and repositories that are removed when the test ends, also on failure.
import type { ExecutionContext } from "ava";
import { rm } from "node:fs/promises";
import { git, tempRepo } from "./git-repo.js";
import { tempDir } from "./temp.js";

export async function scratchDir(t: ExecutionContext, prefix = "scratch"): Promise<string> {
  const dir = await tempDir(prefix);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** tempRepo, with the work tree and its bare origin removed at teardown. */
export async function scratchRepo(t: ExecutionContext, config?: string, opts: { identity?: boolean } = {}): Promise<string> {
  const dir = await tempRepo(config, opts);
  const remote = (await git(dir, "remote", "get-url", "origin")).trim();
  t.teardown(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(remote, { recursive: true, force: true });
  });
  return dir;
}
