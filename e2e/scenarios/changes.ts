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

/** Edits, re-scaffolds, syncs; ctx.env then describes the new tree. Returns the new environment. */
export async function change(ctx: Context, edits: [path: (string | number)[], value: unknown][], healthTimeoutMs = 900_000): Promise<EnvUnderTest> {
  const copy = configCopy(ctx);
  for (const [p, v] of edits) copy.set(["environments", ctx.env.name, ...p], v);
  await copy.scaffold();
  const objects = await renderOverlay(copy.dir, ctx.env.name);
  const next = describeEnv(copy.dir, ctx.env.name, objects);
  await ctx.cluster.apply(objects, { healthTimeoutMs });
  await ctx.cluster.waitHealthy(healthTimeoutMs);
  ctx.env = next;
  return next;
}

/** The value an environment has for a key, its own or the top-level kafka default. */
export function configValue(ctx: Context, key: string): unknown {
  const copy = configCopy(ctx);
  return copy.get(["environments", ctx.env.name, key]) ?? copy.get(["kafka", key]);
}
