// Probes that fit Kafka. Kubernetes gates rolls on them: a StatefulSet or a
// Deployment moves on (and Argo CD starts the next sync wave) only when the
// restarted pod is Ready, and readiness and liveness only start once the
// startup probe has passed. So the startup probe carries the question "has this
// node caught up?", readiness "does it serve?", liveness "is the process alive?".
import { ports, PROBE_MOUNT, PROBE_SCRIPT } from "../layout.js";
import { parseQuantity } from "../quantity.js";

const PERIOD_SECONDS = 10;
/** Log recovery reads every segment after an unclean stop: budget 10 minutes plus 10 s per GiB of volume (about 100 MB/s). */
const STARTUP_BASE_SECONDS = 600;
const STARTUP_SECONDS_PER_GIB = 10;

/** Startup probe attempts for a node whose volume has `storageSize`: the budget grows with the data there is to recover. */
export function startupFailureThreshold(storageSize: string): number {
  const gib = parseQuantity(storageSize) / 2 ** 30;
  return Math.ceil((STARTUP_BASE_SECONDS + STARTUP_SECONDS_PER_GIB * gib) / PERIOD_SECONDS);
}

const probe = (mode: string) => ({ exec: { command: ["bash", `${PROBE_MOUNT}/${PROBE_SCRIPT}`, mode] } });

/** The three probes of a Kafka container; the per-environment startup budget is patched in by the overlay. */
export function kafkaProbes() {
  return {
    // The check runs a Kafka admin tool once the port is open: a JVM start, so it gets time.
    startupProbe: { ...probe("startup"), periodSeconds: PERIOD_SECONDS, timeoutSeconds: 30, failureThreshold: startupFailureThreshold("0") },
    readinessProbe: { ...probe("readiness"), periodSeconds: PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...probe("liveness"), periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
  };
}

/**
 * The probe script (base/common/probe.sh), mounted into every Kafka pod. It
 * reads the node's roles and id from the variables the image reads too.
 */
/** How the scripts in a Kafka pod start a Kafka tool: a small heap and a quick-starting JVM of its own (the container's JVM options are the broker's). */
export const POD_TOOL_ENV = 'KAFKA_HEAP_OPTS=-Xmx128m KAFKA_JVM_PERFORMANCE_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" KAFKA_OPTS=';

export function probeScript(): string[] {
  const client = ports.client.port;
  const controller = ports.controller.port;
  return [
    "set -u",
    "mode=${1:?usage: probe.sh startup|readiness|liveness}",
    "# The broker listener the checks use: PLAINTEXT 9092, or with `security` the inter-broker one and the",
    "# pod's own certificate (PROBE_BROKER_PORT and PROBE_COMMAND_CONFIG, from the environment's kafka.env).",
    `broker_port=\${PROBE_BROKER_PORT:-${client}}`,
    'cfg=(); [ -n "${PROBE_COMMAND_CONFIG:-}" ] && cfg=(--command-config "$PROBE_COMMAND_CONFIG")',
    "",
    "# A TCP connect, without a JVM: cheap enough to run every few seconds.",
    'listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }',
    'has_role() { case ",${KAFKA_PROCESS_ROLES}," in *",$1,"*) return 0 ;; esac; return 1; }',
    "",
    "# No quorum can exist: fewer than a majority of the voters answer on their controller port, this",
    "# node included. A voter then cannot serve and has nothing to catch up with, and one sync wave per",
    "# node must not wait for it: the first voter of a new cluster, or the first one back after every",
    "# node was down (a workload switch, a full outage), would otherwise never become ready.",
    "# The connects run side by side, each bounded: a vanished peer costs at most 2 s, within the timeout.",
    "no_quorum() {",
    "  local up=0 v hp p vs=() pids=()",
    '  IFS=, read -ra vs <<< "${KAFKA_CONTROLLER_QUORUM_VOTERS:-}"',
    '  for v in "${vs[@]}"; do',
    "    hp=${v#*@}",
    `    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "\${hp%:*}" "\${hp##*:}" 2>/dev/null &`,
    "    pids+=($!)",
    "  done",
    '  for p in "${pids[@]}"; do wait "$p" && up=$((up + 1)); done',
    '  [ $((up * 2)) -le "${#pids[@]}" ]',
    "}",
    "",
    "# Caught up: no partition lists this node as a replica without it being in the ISR. Partitions that",
    "# are under-replicated for another node's sake do not hold this one back. The tool gets a small heap",
    "# and a quick-starting JVM of its own: the container's JVM options are the broker's.",
    "in_sync() {",
    "  local out",
    `  out=$(${POD_TOOL_ENV} /opt/kafka/bin/kafka-topics.sh --bootstrap-server "127.0.0.1:$broker_port" "\${cfg[@]}" --describe --under-replicated-partitions) || return 1`,
    '  printf \'%s\\n\' "$out" | awk -v id="$KAFKA_NODE_ID" \'',
    '    { r = ""; i = ""; for (f = 1; f < NF; f++) { if ($f == "Replicas:") r = $(f + 1); if ($f == "Isr:") i = $(f + 1) } }',
    '    r != "" && index("," r ",", "," id ",") && !index("," i ",", "," id ",") { behind = 1 }',
    "    END { exit behind }'",
    "}",
    "",
    'case "$mode" in',
    "  startup)",
    "    if has_role broker; then",
    `      if listening "$broker_port"; then in_sync; exit; fi`,
    `      has_role controller && listening ${controller} && no_quorum; exit`,
    "    fi",
    `    listening ${controller} ;;`,
    "  readiness)",
    "    if has_role broker; then",
    `      listening "$broker_port" && exit 0`,
    `      has_role controller && listening ${controller} && no_quorum; exit`,
    "    fi",
    `    listening ${controller} ;;`,
    "  liveness)",
    "    # Alive, not serving: a node that waits for the quorum or recovers logs must not be killed.",
    `    if has_role controller; then listening ${controller}; else listening "$broker_port"; fi ;;`,
    '  *) echo "unknown probe $mode" >&2; exit 2 ;;',
    "esac",
  ];
}
