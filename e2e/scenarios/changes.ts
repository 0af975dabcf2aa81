// A config change applied the way Argo CD would: edit kafka-gitops.yaml in a temporary copy of the
// repository, re-scaffold it, render the overlay and sync the cluster to it.
import { ConfigCopy, describeEnv, type EnvUnderTest } from "./environment.js";
import { renderOverlay } from "../runner/objects.js";
import type { LoadResult } from "../kafka/load.js";
import { createTopic, load, warmUp } from "./common.js";
import type { Context } from "./types.js";

/** The environment's copy, shared by the change scenarios of one run (changes accumulate, as in Git). */
const copies = new WeakMap<Context, ConfigCopy>();

export function configCopy(ctx: Context): ConfigCopy {
  let c = copies.get(ctx);
  if (!c) {
    c = new ConfigCopy(ctx.env.dir);
    copies.set(ctx, c);
    ctx.cleanup.push(() => c?.remove());
  }
  return c;
}

export interface ChangeOptions {
  healthTimeoutMs?: number;
  /** Guard flags for the scaffold. */
  flags?: string[];
  /** What an operator does by hand while the sync runs (it runs beside the sync, which waits for it). */
  during?: () => Promise<void>;
  /** What the team does before the sync, knowing the new tree (e.g. create the users' password Secrets). */
  beforeApply?: (next: EnvUnderTest) => Promise<void>;
}

/** Edits, re-scaffolds, syncs; ctx.env then describes the new tree. Returns the new environment. */
export async function change(ctx: Context, edits: [path: (string | number)[], value: unknown][], opts: ChangeOptions = {}): Promise<EnvUnderTest> {
  const healthTimeoutMs = opts.healthTimeoutMs ?? 900_000;
  const copy = configCopy(ctx);
  for (const [p, v] of edits) copy.set(["environments", ctx.env.name, ...p], v);
  await copy.scaffold(opts.flags);
  const objects = await renderOverlay(copy.dir, ctx.env.name);
  const next = describeEnv(copy.dir, ctx.env.name, objects);
  await opts.beforeApply?.(next);
  await Promise.all([ctx.cluster.apply(objects, { healthTimeoutMs }), opts.during?.()]);
  await ctx.cluster.waitHealthy(healthTimeoutMs);
  // What the harness set up for a secured environment outlives the change: the users' passwords, its admin config.
  if (next.security && ctx.env.security) {
    next.security.passwords = ctx.env.security.passwords;
    if (ctx.env.security.adminConfig !== undefined && next.security.internal === ctx.env.security.internal) {
      next.security.adminConfig = ctx.env.security.adminConfig;
      if (ctx.env.security.producerConfig !== undefined) next.security.producerConfig = ctx.env.security.producerConfig;
    }
  }
  ctx.env = next;
  return next;
}

/** The value an environment has for a key, its own or the top-level kafka default. */
export function configValue(ctx: Context, key: string): unknown {
  const copy = configCopy(ctx);
  return copy.get(["environments", ctx.env.name, key]) ?? copy.get(["kafka", key]);
}

export interface RollUnderLoad {
  /** The load's count of acked, lost and failed values. */
  load: LoadResult;
  /** The change's failure, if it failed. */
  error?: Error;
  seconds: number;
  /** Kafka pods (not Job pods) of before the change that are still the same pod: a roll replaces all of them. */
  survivors: string[];
}

/** A change synced while a load runs on `topic`: what a roll did to running clients. */
export async function changeUnderLoad(ctx: Context, topic: string, edits: Parameters<typeof change>[1], opts: ChangeOptions = {}): Promise<RollUnderLoad> {
  await createTopic(ctx, topic);
  const before = new Map(ctx.cluster.livePods().map((p) => [p.name, p.uid]));
  const lt = load(ctx, topic);
  let error: Error | undefined;
  const t0 = Date.now();
  try {
    await warmUp(ctx, lt);
    await change(ctx, edits, opts);
  } catch (e) {
    error = e as Error;
  }
  const result = await lt.stop();
  const survivors = ctx.cluster
    .livePods()
    .filter((p) => before.get(p.name) === p.uid && p.owner.kind !== "Job")
    .map((p) => p.name);
  return { load: result, ...(error && { error }), seconds: Math.round((Date.now() - t0) / 1000), survivors };
}
