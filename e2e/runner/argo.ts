// Argo CD's sync order: hooks by phase, then sync waves, then kinds in gitops-engine's order.
import type { KObject } from "./objects.js";

// gitops-engine's kind order within a wave (kinds not listed go after these, by name).
const KIND_ORDER = [
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "Ingress",
  "APIService",
];

export const SYNC_WAVE = "argocd.argoproj.io/sync-wave";
export const HOOK = "argocd.argoproj.io/hook";
export const SYNC_OPTIONS = "argocd.argoproj.io/sync-options";
export const HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy";

export type HookDeletePolicy = "BeforeHookCreation" | "HookSucceeded" | "HookFailed";

/**
 * A hook's delete policies (comma-separated); none given means BeforeHookCreation, Argo CD's
 * default: the previous object of that name is deleted before the new one is created.
 */
export function hookDeletePolicies(o: KObject): HookDeletePolicy[] {
  const raw = (o.metadata.annotations?.[HOOK_DELETE_POLICY] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of raw)
    if (p !== "BeforeHookCreation" && p !== "HookSucceeded" && p !== "HookFailed")
      throw new Error(`${o.kind}/${o.metadata.name}: hook-delete-policy ${p} is not one of BeforeHookCreation, HookSucceeded, HookFailed`);
  return raw.length ? (raw as HookDeletePolicy[]) : ["BeforeHookCreation"];
}

export type Phase = "PreSync" | "Sync" | "PostSync";

export function wave(o: KObject): number {
  return Number(o.metadata.annotations?.[SYNC_WAVE] ?? "0");
}

export function phases(o: KObject): Phase[] {
  const h = o.metadata.annotations?.[HOOK];
  if (!h) return ["Sync"];
  return h.split(",").map((s) => s.trim()) as Phase[];
}

export function isHook(o: KObject): boolean {
  return Boolean(o.metadata.annotations?.[HOOK]);
}

export function syncOption(o: KObject, opt: string): boolean {
  return (o.metadata.annotations?.[SYNC_OPTIONS] ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes(opt);
}

function kindRank(k: string): number {
  const i = KIND_ORDER.indexOf(k);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Steps of one sync: each is applied together, then waited on for health before the next. */
export function syncSteps(objects: KObject[]): { phase: Phase; wave: number; objects: KObject[] }[] {
  const steps = new Map<string, { phase: Phase; wave: number; objects: KObject[] }>();
  const order: Phase[] = ["PreSync", "Sync", "PostSync"];
  for (const o of objects) {
    for (const ph of phases(o)) {
      if (!order.includes(ph)) throw new Error(`hook phase ${ph} of ${o.kind}/${o.metadata.name} is not reproduced (SyncFail, Skip)`);
      const k = `${order.indexOf(ph)}/${wave(o)}`;
      if (!steps.has(k)) steps.set(k, { phase: ph, wave: wave(o), objects: [] });
      steps.get(k)?.objects.push(o);
    }
  }
  const list = [...steps.values()].sort((a, b) => order.indexOf(a.phase) - order.indexOf(b.phase) || a.wave - b.wave);
  for (const s of list)
    s.objects.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
  return list;
}

/**
 * The wave in which each object to prune is deleted, as gitops-engine orders prunes (sync_context.go):
 * a prune runs in the wave of the live object, but the prune waves are mirrored (the lowest prune
 * wave swaps with the highest, and so on inward), so what was created last is deleted first; a
 * live object with `PruneLast=true` is deleted in a wave after every other Sync wave. The mirror is
 * computed over every object to prune, PruneLast and Prune=false ones included, as gitops-engine does.
 */
export function pruneWaves(live: KObject[], syncWaves: number[]): number[] {
  const own = live.map(wave);
  const unique = [...new Set(own)].sort((a, b) => a - b);
  const mirrored = new Map(unique.map((w, i) => [w, unique[unique.length - 1 - i]!]));
  const waves = own.map((w) => mirrored.get(w)!);
  const last = Math.max(0, ...syncWaves, ...waves) + 1;
  return waves.map((w, i) => (syncOption(live[i]!, "PruneLast=true") ? last : w));
}
