// Kafka's own tools (e2e/kafka/tools.ts), run in the client namespace; the helpers the scenarios share.
import {
  brokersCall,
  callArgv,
  describeTopicsCall,
  FAST_CLIENT_JVM,
  parseBrokers,
  parseQuorumStatus,
  parseTopicDescribe,
  quorumStatusCall,
  toolArgv,
  type Tool,
  type ToolCall,
} from "../kafka/tools.js";
import type { RunResult } from "../runner/sh.js";
import type { Context } from "./types.js";

export const BIN = "/opt/kafka/bin";

/** Tools are the harness's clients, not the manifests' pods: they start with FAST_CLIENT_JVM. */
export async function call(ctx: Context, c: ToolCall, timeoutMs = 120_000): Promise<RunResult> {
  const t0 = Date.now();
  // With `security` the harness's tools are the admin: its certificate on the inter-broker listener (every tool of 4.x takes --command-config).
  const admin = ctx.env.security?.adminConfig;
  const withAdmin = admin !== undefined && ctx.env.security?.internal === "tls" ? { ...c, args: withConfig(c.args, admin) } : c;
  const r = await ctx.cluster.execClient(ctx.client, callArgv(withAdmin, { jvm: FAST_CLIENT_JVM }), { timeoutMs });
  ctx.log(`tool ${c.tool} ${c.args.slice(0, 5).join(" ")}: exit ${r.code ?? r.signal} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return r;
}

/** The harness's admin client config for a tool it runs itself (not through call()), e.g. a main class without a bin script. */
export function adminConfigArgs(ctx: Context): string[] {
  const admin = ctx.env.security?.adminConfig;
  return admin !== undefined && ctx.env.security?.internal === "tls" ? ["--command-config", admin] : [];
}

/** `--command-config FILE` right after the bootstrap address: tools with subcommands (kafka-metadata-quorum describe) take it only there. */
function withConfig(args: readonly string[], file: string): string[] {
  const i = args.findIndex((a) => a === "--bootstrap-server" || a === "--bootstrap-controller");
  if (i < 0) return [...args, "--command-config", file];
  return [...args.slice(0, i + 2), "--command-config", file, ...args.slice(i + 2)];
}

export async function mustCall(ctx: Context, c: ToolCall, timeoutMs = 120_000): Promise<string> {
  const r = await call(ctx, c, timeoutMs);
  if (r.code !== 0) throw new Error(`kafka-${c.tool} ${c.args.join(" ")} failed (${r.code ?? r.signal}): ${lastLines(r.stderr || r.stdout, 4)}`);
  return r.stdout;
}

export const tool = (t: Tool, args: string[]): ToolCall => ({ tool: t, args });

export function lastLines(text: string, n: number): string {
  return text
    .trim()
    .split("\n")
    .filter((l) => !/^\s*at /.test(l))
    .slice(-n)
    .join(" | ");
}

export async function quorum(ctx: Context) {
  return parseQuorumStatus(await mustCall(ctx, quorumStatusCall(ctx.env.bootstrap)));
}

export async function brokers(ctx: Context) {
  return parseBrokers(await mustCall(ctx, brokersCall(ctx.env.bootstrap)));
}

export async function describeTopic(ctx: Context, topic: string) {
  const t = parseTopicDescribe(await mustCall(ctx, describeTopicsCall(ctx.env.bootstrap, topic))).find((x) => x.topic === topic);
  if (!t) throw new Error(`topic ${topic} not described`);
  return t;
}

/** Runs a Java main class of the install in the client namespace (a tool without a bin script here). */
export function mainClassArgv(mainClass: string, args: string[]): string[] {
  const argv = toolArgv("topics", args, { jvm: FAST_CLIENT_JVM });
  argv[argv.indexOf("org.apache.kafka.tools.TopicCommand")] = mainClass;
  return argv;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
