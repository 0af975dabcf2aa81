// Temporary folders and repositories that are removed when the test ends, also on failure.
import type { ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, tempRepo } from "./git-repo.js";

export async function scratchDir(t: ExecutionContext, prefix = "kafka-gitops-scratch-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
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
