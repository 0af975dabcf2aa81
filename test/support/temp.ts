// Every temporary folder a test makes lives under one root per test process,
// removed when the process ends, whether its tests passed, failed or timed out,
// so `npm test` leaves nothing in the system temp folder. Tests that want a
// folder gone sooner pass their ExecutionContext: it is then removed at teardown.
import type { ExecutionContext } from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string | undefined;

function testRoot(): string {
  if (root === undefined) {
    root = mkdtempSync(join(tmpdir(), `kafka-gitops-test-${process.pid}-`));
    const created = root;
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
    // ava stops a worker with a signal on timeout or Ctrl-C: clean up, then die as the signal would.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        rmSync(created, { recursive: true, force: true });
        process.kill(process.pid, signal);
      });
    }
  }
  return root;
}

/** A new empty folder, removed with the test process (or at the test's teardown when `t` is given). */
export async function tempDir(tOrPrefix: ExecutionContext | string, prefix = "kafka-gitops"): Promise<string> {
  const name = typeof tOrPrefix === "string" ? tOrPrefix : prefix;
  const dir = await mkdtemp(join(testRoot(), `${name.replace(/-+$/, "")}-`));
  if (typeof tOrPrefix !== "string") tOrPrefix.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** tempRepo (a work tree with an identity and a bare origin), both removed at the test's teardown. */
export async function ownedRepo(t: ExecutionContext, config?: string): Promise<{ dir: string; remote: string }> {
  const { git, tempRepo } = await import("./git-repo.js");
  const dir = await tempRepo(config);
  const remote = (await git(dir, "remote", "get-url", "origin")).trim();
  t.teardown(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(remote, { recursive: true, force: true });
  });
  return { dir, remote };
}
