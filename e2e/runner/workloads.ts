// The StatefulSet and Deployment controllers, reduced to what the generated objects use.
import { createHash } from "node:crypto";
import type { KObject } from "./objects.js";
import type { Pod, PodInit } from "./pod.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

export interface WorkloadHost {
  podsOf(kind: string, ns: string, name: string): Pod[];
  createPod(init: PodInit): Pod;
  deletePod(pod: Pod): void;
  /** The StatefulSet controller creates missing claims from volumeClaimTemplates. */
  ensureClaim(ns: string, claim: string, template: Spec): void;
}

const SAFE = "bcdfghjklmnpqrstvwxz2456789";
/** A pod-template-hash-like string: deterministic from the input. */
export function safeHash(input: string, len = 10): string {
  const h = createHash("sha256").update(input).digest();
  let s = "";
  for (let i = 0; i < len; i++) s += SAFE[(h[i] as number) % SAFE.length];
  return s;
}

const templateHash = (t: Spec) => safeHash(JSON.stringify(t));

export function statefulSetRevision(sts: KObject): string {
  return `${sts.metadata.name}-${templateHash(sts.spec.template)}`;
}

export function deploymentHash(d: KObject): string {
  return templateHash(d.spec.template);
}

function ordinals(sts: KObject): number[] {
  const start = sts.spec.ordinals?.start ?? 0;
  const n = sts.spec.replicas ?? 1;
  return Array.from({ length: n }, (_, i) => start + i);
}

export function stsPodOrdinal(pod: Pod): number {
  return Number(pod.labels["apps.kubernetes.io/pod-index"]);
}

/** One pass of the StatefulSet controller (call it again and again). */
export function reconcileStatefulSet(sts: KObject, h: WorkloadHost): void {
  const ns = sts.metadata.namespace as string;
  const name = sts.metadata.name;
  const spec = sts.spec;
  const rev = statefulSetRevision(sts);
  const want = new Set(ordinals(sts));
  const pods = h.podsOf("StatefulSet", ns, name);
  const live = pods.filter((p) => !p.terminating);
  const byOrdinal = new Map(pods.map((p) => [stsPodOrdinal(p), p]));
  const parallel = spec.podManagementPolicy === "Parallel";
  const minReady = spec.minReadySeconds ?? 0;

  // Scale down: Parallel deletes all extra pods at once; OrderedReady the highest first, one at a time.
  const extra = live.filter((p) => !want.has(stsPodOrdinal(p))).sort((a, b) => stsPodOrdinal(b) - stsPodOrdinal(a));
  for (const p of parallel ? extra : extra.slice(0, 1)) h.deletePod(p);

  // Create missing pods (a same-named pod must be fully gone first).
  const sorted = [...want].sort((a, b) => a - b);
  for (const ord of sorted) {
    if (byOrdinal.has(ord)) continue;
    if (!parallel) {
      const lower = sorted.filter((o) => o < ord).map((o) => byOrdinal.get(o));
      if (lower.some((p) => !p || !p.ready)) break;
    }
    const podName = `${name}-${ord}`;
    const tpl = spec.template;
    const volumes = [...(tpl.spec.volumes ?? [])];
    for (const vct of spec.volumeClaimTemplates ?? []) {
      const claim = `${vct.metadata.name}-${name}-${ord}`;
      h.ensureClaim(ns, claim, vct);
      volumes.push({ name: vct.metadata.name, persistentVolumeClaim: { claimName: claim } });
    }
    const pod = h.createPod({
      name: podName,
      namespace: ns,
      labels: {
        ...(tpl.metadata?.labels ?? {}),
        "statefulset.kubernetes.io/pod-name": podName,
        "apps.kubernetes.io/pod-index": String(ord),
        "controller-revision-hash": rev,
      },
      annotations: { ...(tpl.metadata?.annotations ?? {}) },
      // The StatefulSet controller sets hostname and subdomain (serviceName): the pod's DNS identity.
      spec: { ...tpl.spec, hostname: podName, subdomain: spec.serviceName, volumes },
      owner: { kind: "StatefulSet", name },
      revision: rev,
    });
    byOrdinal.set(ord, pod);
    if (!parallel) break;
  }

  // RollingUpdate: highest ordinal first, one pod at a time, only while all others are Ready (+minReadySeconds).
  const strategy = spec.updateStrategy?.type ?? "RollingUpdate";
  if (strategy !== "RollingUpdate") return;
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const current = [...want].map((o) => byOrdinal.get(o));
  if (current.some((p) => !p || p.terminating || !p.available(minReady))) return;
  const stale = (current as Pod[]).filter((p) => p.revision !== rev && stsPodOrdinal(p) >= partition).sort((a, b) => stsPodOrdinal(b) - stsPodOrdinal(a));
  const first = stale[0];
  if (first) h.deletePod(first);
}

function intOrPercent(v: number | string | undefined, total: number, dflt: string, roundUp: boolean): number {
  const x = v ?? dflt;
  if (typeof x === "number") return x;
  const pct = Number(x.replace("%", "")) / 100;
  return roundUp ? Math.ceil(pct * total) : Math.floor(pct * total);
}

let suffixCounter = 0;

/** One pass of the Deployment controller (through its ReplicaSets: pods carry the template hash). */
export function reconcileDeployment(d: KObject, h: WorkloadHost): void {
  const ns = d.metadata.namespace as string;
  const name = d.metadata.name;
  const spec = d.spec;
  const replicas = spec.replicas ?? 1;
  const hash = deploymentHash(d);
  const minReady = spec.minReadySeconds ?? 0;
  const pods = h.podsOf("Deployment", ns, name);
  const live = pods.filter((p) => !p.terminating);
  const fresh = live.filter((p) => p.revision === hash);
  const old = live.filter((p) => p.revision !== hash);
  const create = () => {
    const tpl = spec.template;
    // `<deployment>-<pod-template-hash>-<5 random>`: random in Kubernetes, deterministic per run here.
    const podName = `${name}-${hash}-${safeHash(`${name}/${hash}/${++suffixCounter}`, 5)}`;
    h.createPod({
      name: podName,
      namespace: ns,
      labels: { ...(tpl.metadata?.labels ?? {}), "pod-template-hash": hash },
      annotations: { ...(tpl.metadata?.annotations ?? {}) },
      spec: { ...tpl.spec },
      owner: { kind: "Deployment", name },
      revision: hash,
    });
  };
  const type = spec.strategy?.type ?? "RollingUpdate";
  if (type === "Recreate") {
    // Every old pod is gone (not only terminating) before a new one is created.
    if (old.length > 0) {
      for (const p of old) h.deletePod(p);
      return;
    }
    if (pods.some((p) => p.terminating && p.revision !== hash)) return;
  } else {
    const surge = intOrPercent(spec.strategy?.rollingUpdate?.maxSurge, replicas, "25%", true);
    let unavailable = intOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, replicas, "25%", false);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    let total = live.length;
    let freshCount = fresh.length;
    while (freshCount < replicas && total < replicas + surge) {
      create();
      freshCount++;
      total++;
    }
    // Old pods that are not available go first; available ones only while enough stay available.
    const minAvailable = replicas - unavailable;
    let available = live.filter((p) => p.available(minReady)).length;
    const oldSorted = [...old].sort((a, b) => Number(a.available(minReady)) - Number(b.available(minReady)));
    for (const p of oldSorted) {
      const isAvail = p.available(minReady);
      // Deleting an unavailable old pod costs no availability; an available one only above minAvailable.
      if (isAvail && available - 1 < minAvailable) continue;
      h.deletePod(p);
      total--;
      if (isAvail) available--;
    }
    if (old.length > 0) return;
  }
  for (let i = fresh.length; i < replicas; i++) create();
  for (const p of fresh.slice(replicas)) h.deletePod(p);
}

/** Argo CD's health rule for a StatefulSet (RollingUpdate): all replicas updated, ready, revisions equal. */
export function statefulSetHealthy(sts: KObject, pods: Pod[]): boolean {
  const want = ordinals(sts);
  const rev = statefulSetRevision(sts);
  const live = pods.filter((p) => !p.terminating);
  if (pods.some((p) => !want.includes(stsPodOrdinal(p)))) return false;
  const ready = live.filter((p) => p.available(sts.spec.minReadySeconds ?? 0));
  if (ready.length < want.length) return false;
  if ((sts.spec.updateStrategy?.type ?? "RollingUpdate") === "OnDelete") return true;
  return live.filter((p) => p.revision === rev).length >= want.length;
}

/** Argo CD's health rule for a Deployment: updated == replicas, no old replicas left, updated all available. */
export function deploymentHealthy(d: KObject, pods: Pod[]): boolean {
  const replicas = d.spec.replicas ?? 1;
  const hash = deploymentHash(d);
  const updated = pods.filter((p) => p.revision === hash && !p.terminating);
  if (updated.length < replicas) return false;
  if (pods.length > updated.length) return false;
  return updated.filter((p) => p.available(d.spec.minReadySeconds ?? 0)).length >= replicas;
}
