// The harness's model of Argo CD's prune order (gitops-engine's sync_context.go), which decides
// whether a workload switch or a roll can deadlock on a volume an old pod still holds.
import test from "ava";
import { pruneWaves } from "../e2e/runner/argo.js";
import type { KObject } from "../e2e/runner/objects.js";

const obj = (name: string, wave?: number, options?: string): KObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name,
    annotations: {
      ...(wave !== undefined && { "argocd.argoproj.io/sync-wave": String(wave) }),
      ...(options !== undefined && { "argocd.argoproj.io/sync-options": options }),
    },
  },
});

test("prune waves are mirrored: what was created in the last wave is deleted first", (t) => {
  const live = [obj("a", 0), obj("b", 1), obj("c", 2), obj("d", 3)];
  t.deepEqual(pruneWaves(live, [1]), [3, 2, 1, 0]);
});

test("an odd number of prune waves keeps the middle one in place; equal waves move together", (t) => {
  const live = [obj("a", 1), obj("b", 2), obj("c", 2), obj("d", 5)];
  t.deepEqual(pruneWaves(live, []), [5, 2, 2, 1]);
});

test("PruneLast goes after every Sync wave, and still counts in the mirror", (t) => {
  // Without the PruneLast object the mirror would be {1, 2} -> [2, 1]; with it, {0, 1, 2}.
  const live = [obj("config", 0, "PruneLast=true"), obj("sts", 1), obj("broker", 2)];
  t.deepEqual(pruneWaves(live, [1, 2, 7]), [8, 1, 0]);
});

test("Prune=false objects take part in the mirror (gitops-engine skips them only when it runs the prune)", (t) => {
  const live = [obj("claim", -5, "Prune=false"), obj("deploy", 1)];
  t.deepEqual(pruneWaves(live, [1]), [1, -5]);
});
