// Temporary folders and repositories that are removed when the test ends, passed or failed.
import type { ExecutionContext } from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, tempRepo } from "./git-repo.js";

export async function tempDir(t: ExecutionContext, prefix = "kafka-gitops-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** tempRepo (work tree with an identity, a bare origin), both removed at the end. */
export async function ownedRepo(t: ExecutionContext, config?: string): Promise<{ dir: string; remote: string }> {
  const dir = await tempRepo(config);
  const remote = (await git(dir, "remote", "get-url", "origin")).trim();
  t.teardown(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(remote, { recursive: true, force: true });
  });
  return { dir, remote };
}
