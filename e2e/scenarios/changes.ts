// A config change applied the way Argo CD would: edit kafka-gitops.yaml in a temporary copy of the
// repository, re-scaffold it, render the overlay and sync the cluster to it.
import { ConfigCopy, describeEnv, type EnvUnderTest } from "./environment.js";
import { renderOverlay } from "../runner/objects.js";
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
