// The tls-reload sidecar's script as its container runs it: PID 1 of its own PID namespace (root only:
// `unshare --pid`). A shell there ignores SIGTERM unless it traps it; then every pod deletion, each
// step of a roll, would wait out the pod's whole grace period (found by e2e: rolls took 2 minutes
// longer per node). It must end at once on SIGTERM, even in the middle of its wait.
import test from "ava";
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FIXTURES } from "./support/paths.js";
import { renderText } from "./support/render.js";
import { tempDir } from "./support/temp.js";

const asRoot = process.getuid?.() === 0;
const rootTest = asRoot ? test : test.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

rootTest("the reloader, as PID 1 of its container, ends on SIGTERM during its wait", async (t) => {
  const { tree } = renderText(await readFile(join(FIXTURES, "secure", "kafka-gitops.yaml"), "utf8"));
  const dir = await tempDir(t, "kafka-gitops-reload-");
  const script = join(dir, "tls-reload.sh");
  await writeFile(script, tree.get("base/security/tls-reload.sh")!);
  // A wait far longer than the test: only the trap can end it.
  const child = spawn("unshare", ["--pid", "--fork", "bash", script], {
    env: { PATH: process.env.PATH ?? "", TLS_RELOAD_INTERVAL_SECONDS: "3600" },
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    // The script's process: unshare's child, PID 1 inside the new namespace.
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      await sleep(50);
      const kids = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").catch(() => "");
      pid = Number(kids.trim().split(" ")[0]) || undefined;
    }
    t.truthy(pid, "the script started");
    await sleep(300);
    process.kill(pid!, "SIGTERM");
    const code = await Promise.race([exited, sleep(20_000).then(() => "still running" as const)]);
    t.is(code, 0, "it exits (code 0) instead of ignoring SIGTERM");
  } finally {
    child.kill("SIGKILL");
  }
});
