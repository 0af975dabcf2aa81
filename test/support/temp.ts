// Every temporary folder a test makes lives under one root per test process,
// removed when the process ends, whether its tests passed, failed or timed out,
// so `npm test` leaves nothing in the system temp folder.
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
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

/** A new empty folder, removed with the test process. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(testRoot(), `${prefix}-`));
}
