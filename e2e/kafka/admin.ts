// Cluster checks and changes the scenarios make with Kafka's own tools: each runs one tool through
// the runner's exec (in the client namespace), parses its output, and polls where Kafka converges.
import {
  brokersCall,
  callArgv,
  describeTopicsCall,
  parseBrokers,
  parseQuorumStatus,
  parseTopicDescribe,
  quorumStatusCall,
  type Brokers,
  type QuorumStatus,
  type ToolArgvOptions,
  type ToolCall,
  type TopicDescription,
} from "./tools.js";

/** Runs argv in the client namespace to completion (the runner's execClient, bound to a client). */
export type Exec = (argv: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;

export class ToolFailed extends Error {
  constructor(
    readonly call: ToolCall,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`kafka-${call.tool} ${call.args.join(" ")} failed (exit ${code}): ${lastLines(stderr, 5)}`);
    this.name = "ToolFailed";
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join(" | ");
}

/** Runs a tool call; its stdout, or ToolFailed. */
export async function runTool(exec: Exec, call: ToolCall, tool?: ToolArgvOptions, argv = callArgv(call, tool)): Promise<string> {
  const r = await exec(argv);
  if (r.code !== 0) throw new ToolFailed(call, r.code, r.stderr || r.stdout);
  return r.stdout;
}

export const quorumStatus = async (exec: Exec, bootstrap: string, tool?: ToolArgvOptions): Promise<QuorumStatus> =>
  parseQuorumStatus(await runTool(exec, quorumStatusCall(bootstrap), tool));

export const brokers = async (exec: Exec, bootstrap: string, tool?: ToolArgvOptions): Promise<Brokers> =>
  parseBrokers(await runTool(exec, brokersCall(bootstrap), tool));

export const describeTopics = async (exec: Exec, bootstrap: string, topic?: string, tool?: ToolArgvOptions): Promise<TopicDescription[]> =>
  parseTopicDescribe(await runTool(exec, describeTopicsCall(bootstrap, topic), tool));

/**
 * Polls `check` (one tool call each time) until it returns a value, or rejects after timeoutMs with
 * the last reason. A failing tool call (the cluster not answering yet) counts as "not yet".
 */
export async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | string>, pauseMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    try {
      const v = await check();
      if (typeof v !== "string") return v;
      last = v;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}: ${last}`);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** Waits until no partition of `topic` (or of any topic) has an ISR smaller than its replicas. */
export function waitUnderReplicatedZero(
  exec: Exec,
  bootstrap: string,
  timeoutMs: number,
  opts: { topic?: string; tool?: ToolArgvOptions } = {},
): Promise<TopicDescription[]> {
  return poll(`no under-replicated partitions${opts.topic ? ` in ${opts.topic}` : ""}`, timeoutMs, async () => {
    const topics = await describeTopics(exec, bootstrap, opts.topic, opts.tool);
    const under = topics.flatMap((t) =>
      t.partitions.filter((p) => p.isr.length < p.replicas.length || p.leader === null).map((p) => `${t.topic}-${p.partition}`),
    );
    return under.length === 0 ? topics : `under-replicated or leaderless: ${under.slice(0, 10).join(", ")}${under.length > 10 ? ", ..." : ""}`;
  });
}

/** Waits until the quorum has exactly `voters` and a leader; returns the status (with the leader). */
export function waitQuorum(exec: Exec, bootstrap: string, voters: readonly number[], timeoutMs: number, tool?: ToolArgvOptions): Promise<QuorumStatus> {
  const want = [...voters].sort((a, b) => a - b).join(",");
  return poll(`quorum voters ${want} with a leader`, timeoutMs, async () => {
    const s = await quorumStatus(exec, bootstrap, tool);
    if (s.voters.join(",") !== want) return `voters are ${s.voters.join(",")}`;
    if (!s.voters.includes(s.leaderId)) return `leader ${s.leaderId} is not a voter`;
    return s;
  });
}

/** Waits until exactly `ids` are registered and none of them is fenced. */
export function waitBrokersUnfenced(exec: Exec, bootstrap: string, ids: readonly number[], timeoutMs: number, tool?: ToolArgvOptions): Promise<Brokers> {
  const want = [...ids].sort((a, b) => a - b).join(",");
  return poll(`brokers ${want} registered and unfenced`, timeoutMs, async () => {
    const b = await brokers(exec, bootstrap, tool);
    if (b.registered.join(",") !== want) return `registered: ${b.registered.join(",")}`;
    if (b.fenced.length > 0) return `fenced: ${b.fenced.join(",")}`;
    return b;
  });
}

// ---------------------------------------------------------------- reassignment (scale-up)

export interface Reassignment {
  version: 1;
  partitions: { topic: string; partition: number; replicas: number[] }[];
}

/**
 * A plan that gives `newBroker` its share of `topic`'s replicas: in partition order, a follower
 * (never the leader, so no leadership moves while the data copies) is replaced by the new broker
 * until it holds round(partitions * RF / brokers after). Deterministic; empty when there is nothing
 * to move.
 */
export function planOnto(topic: TopicDescription, newBroker: number, brokersAfter: number): Reassignment {
  const rf = topic.partitions[0]?.replicas.length ?? 0;
  const share = Math.round((topic.partitions.length * rf) / brokersAfter);
  const moves: Reassignment["partitions"] = [];
  for (const p of topic.partitions) {
    if (moves.length >= share) break;
    if (p.replicas.includes(newBroker)) continue;
    const leader = p.leader ?? p.replicas[0];
    const follower = [...p.replicas].reverse().find((r) => r !== leader);
    if (follower === undefined) continue;
    moves.push({ topic: topic.topic, partition: p.partition, replicas: p.replicas.map((r) => (r === follower ? newBroker : r)) });
  }
  return { version: 1, partitions: moves };
}

const PLAN_FILE = "/tmp/e2e-reassignment.json";

/**
 * argv that writes `plan` to a file inside the client's own /tmp and runs kafka-reassign-partitions
 * with it (`--execute` or `--verify`): the client namespace has no file from the host.
 */
export function reassignArgv(bootstrap: string, plan: Reassignment, mode: "execute" | "verify", tool?: ToolArgvOptions): string[] {
  const argv = callArgv({ tool: "reassign", args: ["--bootstrap-server", bootstrap, "--reassignment-json-file", PLAN_FILE, `--${mode}`] }, tool);
  return ["bash", "-c", 'printf "%s" "$1" > "$2" && shift 2 && exec "$@"', "reassign", JSON.stringify(plan), PLAN_FILE, ...argv];
}

/** `--verify` output: the partitions still moving (empty when done); throws on a failed move. */
export function parseReassignVerify(stdout: string): string[] {
  const moving: string[] = [];
  let seen = 0;
  for (const line of stdout.split("\n")) {
    const m = /^Reassignment of partition (\S+) is (.*?)\.?$/.exec(line.trim());
    if (!m?.[1] || !m[2]) continue;
    seen++;
    if (/still in progress/.test(m[2])) moving.push(m[1]);
    else if (!/complete/.test(m[2])) throw new Error(`reassignment of ${m[1]}: ${m[2]}`);
  }
  if (seen === 0 && stdout.trim() !== "") throw new Error(`kafka-reassign-partitions --verify: no partition status in: ${stdout.trim().slice(0, 500)}`);
  return moving;
}

/** Executes the plan, then verifies until every partition moved. */
export async function reassign(exec: Exec, bootstrap: string, plan: Reassignment, timeoutMs: number, tool?: ToolArgvOptions): Promise<void> {
  if (plan.partitions.length === 0) return;
  const call: ToolCall = { tool: "reassign", args: ["--execute"] };
  await runTool(exec, call, tool, reassignArgv(bootstrap, plan, "execute", tool));
  await poll(`reassignment of ${plan.partitions.length} partitions`, timeoutMs, async () => {
    const moving = parseReassignVerify(await runTool(exec, { tool: "reassign", args: ["--verify"] }, tool, reassignArgv(bootstrap, plan, "verify", tool)));
    return moving.length === 0 ? true : `still moving: ${moving.join(", ")}`;
  });
}
