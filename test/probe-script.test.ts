// The generated probe script, run by bash as the kubelet would, in a private network namespace
// (root only: `unshare -n`), where the test decides which ports listen. It covers the quorum
// exception of the readiness and startup probes; the caught-up check needs Kafka (e2e).
import test from "ava";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { probeScript } from "../generator/render/probes.js";
import { tempDir } from "./support/temp.js";

const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0;
const VOTERS = "0@127.0.0.1:9093,1@127.0.0.2:9093,2@127.0.0.3:9093";

/** Exit code of `probe.sh mode` for a node with `roles`, while `listen` (address:port) accept connections. */
async function probe(t: import("ava").ExecutionContext, mode: string, roles: string, listen: string[], voters = VOTERS): Promise<number> {
  const dir = await tempDir(t, "kafka-gitops-probe-");
  const script = join(dir, "probe.sh");
  await writeFile(script, `${probeScript().join("\n")}\n`);
  const servers = listen.map((a) => `require("net").createServer().listen(${a.split(":")[1]}, "${a.split(":")[0]}");`).join("");
  const inner = [
    "ip link set lo up",
    "ip addr add 127.0.0.2/8 dev lo 2>/dev/null; ip addr add 127.0.0.3/8 dev lo 2>/dev/null",
    `${process.execPath} -e '${servers} setTimeout(() => process.exit(0), 20000)' & srv=$!`,
    // Wait until every listener is up, then probe.
    ...listen.map((a) => `until (exec 3<>/dev/tcp/${a.replace(":", "/")}) 2>/dev/null; do sleep 0.05; done`),
    `KAFKA_PROCESS_ROLES=${roles} KAFKA_NODE_ID=0 KAFKA_CONTROLLER_QUORUM_VOTERS=${voters} bash ${script} ${mode}; rc=$?`,
    "kill $srv; exit $rc",
  ].join("\n");
  return exec("unshare", ["-n", "bash", "-c", inner]).then(
    () => 0,
    (e: { code: number }) => e.code,
  );
}

const rootTest = asRoot ? test : test.skip;

rootTest("a combined voter that serves clients is ready", async (t) => {
  t.is(await probe(t, "readiness", "broker,controller", ["127.0.0.1:9092", "127.0.0.1:9093"]), 0);
});

rootTest("a combined voter alone (no majority of voters answers) is ready once its controller port listens", async (t) => {
  t.is(await probe(t, "readiness", "broker,controller", ["127.0.0.1:9093"]), 0);
  t.is(await probe(t, "startup", "broker,controller", ["127.0.0.1:9093"]), 0);
});

rootTest("with a majority of voters up, a combined voter that does not serve yet is not ready", async (t) => {
  t.is(await probe(t, "readiness", "broker,controller", ["127.0.0.1:9093", "127.0.0.2:9093"]), 1);
  t.is(await probe(t, "startup", "broker,controller", ["127.0.0.1:9093", "127.0.0.2:9093"]), 1);
});

rootTest("a voter whose controller port is closed is never ready, quorum or not", async (t) => {
  t.is(await probe(t, "readiness", "broker,controller", []), 1);
});

rootTest("a single voter is its own majority: it must serve to be ready", async (t) => {
  t.is(await probe(t, "readiness", "broker,controller", ["127.0.0.1:9093"], "0@127.0.0.1:9093"), 1);
});

rootTest("a broker-only node is ready only when it serves clients", async (t) => {
  t.is(await probe(t, "readiness", "broker", ["127.0.0.2:9093"]), 1);
  t.is(await probe(t, "readiness", "broker", ["127.0.0.1:9092"]), 0);
});
