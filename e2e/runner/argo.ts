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
