// The Job controller (batch/v1), reduced to one completion by one pod at a time, and the health
// Argo CD gives Jobs and bare Pods (gitops-engine's built-in checks).
import type { KObject } from "./objects.js";
import type { Pod, PodInit } from "./pod.js";
import { safeHash } from "./workloads.js";

export interface JobHost {
  podsOf(kind: string, ns: string, name: string): Pod[];
  createPod(init: PodInit): Pod;
  deletePod(pod: Pod): void;
  /** Milliseconds for a back-off of `seconds` (the time factor, as for restarts). */
  scaled(seconds: number): number;
  log(msg: string): void;
}

export type Health = "Healthy" | "Progressing" | "Degraded";

/** Kubernetes' first pod-failure back-off and its cap (pkg/controller/job: 10 s doubling, at most 6 min). */
const BACKOFF_BASE = 10;
const BACKOFF_MAX = 360;

/** Seconds before the next pod after `failures` failed pods (unscaled). */
export function jobBackoffSeconds(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_BASE * 2 ** (failures - 1), BACKOFF_MAX);
}

/** `<job>-<5 chars>`: random in Kubernetes, deterministic per run here (like Deployment pods). */
export function jobPodName(job: KObject, attempt: number): string {
  return `${job.metadata.name}-${safeHash(`${job.metadata.namespace}/${job.metadata.name}/${job.metadata.uid}/${attempt}`, 5)}`;
}

/**
 * What the API server refuses in a Job (the sync fails), and what the runner does not reproduce
 * (refused rather than run differently).
 */
export function validateJob(job: KObject, prev?: KObject): void {
  const name = job.metadata.name;
  const rp = job.spec?.template?.spec?.restartPolicy;
  if (rp !== "Never" && rp !== "OnFailure")
    throw new Error(`Job.batch "${name}" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`);
  for (const f of ["completions", "parallelism"])
    if (job.spec[f] !== undefined && job.spec[f] !== 1) throw new Error(`Job ${name}: spec.${f} ${job.spec[f]} is not reproduced (only 1)`);
  for (const f of ["completionMode", "podFailurePolicy", "successPolicy", "backoffLimitPerIndex", "suspend"])
    if (job.spec[f] !== undefined && !(f === "completionMode" && job.spec[f] === "NonIndexed") && !(f === "suspend" && job.spec[f] === false))
      throw new Error(`Job ${name}: spec.${f} is not reproduced`);
  if (prev && JSON.stringify(prev.spec.template) !== JSON.stringify(job.spec.template))
    throw new Error(`Job.batch "${name}" is invalid: spec.template: Invalid value: ...: field is immutable`);
}

function condition(job: KObject, type: string): boolean {
  return (job.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === type && c.status === "True");
}

/** Argo CD's Job health: Healthy when Complete, Degraded when Failed, else Progressing. */
export function jobHealth(job: KObject): Health {
  if (condition(job, "Complete")) return "Healthy";
  if (condition(job, "Failed")) return "Degraded";
  return "Progressing";
}

/** Argo CD's health of a bare Pod: Succeeded Healthy, Failed Degraded, Running+Ready Healthy only with restartPolicy Always. */
export function podHealth(pod: Pod | undefined): Health {
  if (!pod) return "Progressing";
  if (pod.phase === "Succeeded") return "Healthy";
  if (pod.phase === "Failed") return "Degraded";
  if (pod.phase === "Running" && (pod.spec.restartPolicy ?? "Always") === "Always" && pod.ready) return "Healthy";
  return "Progressing";
}

// Per-Job controller bookkeeping that is not part of the status (keyed by uid, which a re-created Job changes).
const attempts = new Map<string, number>();

/** One pass of the Job controller (call it again and again); writes job.status. */
export function reconcileJob(job: KObject, h: JobHost, now = Date.now()): void {
  const ns = job.metadata.namespace as string;
  const name = job.metadata.name;
  const uid = job.metadata.uid as string;
  const spec = job.spec;
  const st = (job.status ??= { active: 0, succeeded: 0, failed: 0, conditions: [] });
  st.startTime ??= new Date(now).toISOString();
  const pods = h.podsOf("Job", ns, name);
  const active = pods.filter((p) => !p.terminating && p.phase !== "Succeeded" && p.phase !== "Failed");
  const failedPods = pods.filter((p) => p.phase === "Failed");
  // OnFailure restarts the container in the same pod: its restarts count as failures (pastBackoffLimitOnFailure).
  const restarts = spec.template.spec.restartPolicy === "OnFailure" ? active.reduce((n, p) => n + p.containers.reduce((m, c) => m + c.restartCount, 0), 0) : 0;
  st.active = active.length;
  st.failed = failedPods.length;
  st.succeeded = pods.filter((p) => p.phase === "Succeeded").length;
  if (condition(job, "Complete") || condition(job, "Failed")) return;
  const finish = (type: "Complete" | "Failed", reason: string, message: string) => {
    const at = new Date(now).toISOString();
    st.conditions = [...(st.conditions ?? []), { type, status: "True", reason, message, lastTransitionTime: at }];
    if (type === "Complete") st.completionTime = at;
    h.log(`Job ${ns}/${name}: ${type} (${reason})`);
    for (const p of active) h.deletePod(p);
  };
  if (st.succeeded >= 1) return finish("Complete", "Completed", "Reached expected number of succeeded pods");
  const limit = spec.backoffLimit ?? 6;
  if (st.failed > limit || (restarts > 0 && restarts >= limit)) return finish("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
  // A deadline bounds real work (like terminationGracePeriodSeconds): not scaled.
  if (spec.activeDeadlineSeconds !== undefined && now - Date.parse(st.startTime) >= spec.activeDeadlineSeconds * 1000)
    return finish("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
  if (active.length > 0) return;
  const lastFailure = Math.max(0, ...failedPods.map((p) => p.finishedAt ?? p.createdAt));
  if (failedPods.length && now - lastFailure < h.scaled(jobBackoffSeconds(failedPods.length))) return;
  const n = (attempts.get(uid) ?? 0) + 1;
  attempts.set(uid, n);
  const tpl = spec.template;
  const labels = {
    ...(tpl.metadata?.labels ?? {}),
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": name,
    "controller-uid": uid,
    "job-name": name,
  };
  h.createPod({
    name: jobPodName(job, n),
    namespace: ns,
    labels,
    annotations: { ...(tpl.metadata?.annotations ?? {}) },
    spec: { ...tpl.spec },
    owner: { kind: "Job", name },
    revision: uid,
  });
}
