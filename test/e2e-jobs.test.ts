// The runner's Job controller and Argo CD's hook rules: a hook or Job that the harness ran
// differently from Kubernetes (another back-off, another failure count, another delete policy)
// would let a scenario pass or fail for reasons no cluster has.
import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { hookDeletePolicies, phases, syncSteps } from "../e2e/runner/argo.js";
import { type JobHost, jobBackoffSeconds, jobHealth, jobPodName, podHealth, reconcileJob, validateJob } from "../e2e/runner/jobs.js";
import type { KObject } from "../e2e/runner/objects.js";
import type { Pod, PodInit } from "../e2e/runner/pod.js";
import { tempDir } from "./support/temp.js";

const job = (spec: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "create-topics", namespace: "kafka", uid: "uid-1", annotations },
  spec: { template: { metadata: { labels: { app: "t" } }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "x" }] } }, ...spec },
});

/** A fake pod with only what the Job controller reads. */
type FakePod = {
  name: string;
  phase: Pod["phase"];
  terminating: boolean;
  createdAt: number;
  finishedAt?: number;
  containers: { restartCount: number }[];
  init: PodInit;
};

function host(): { h: JobHost; pods: FakePod[] } {
  const pods: FakePod[] = [];
  let t = 0;
  const h: JobHost = {
    podsOf: () => pods.filter((p) => p.phase !== "Gone") as unknown as Pod[],
    createPod: (init) => {
      const p: FakePod = { name: init.name, phase: "Pending", terminating: false, createdAt: ++t, containers: [{ restartCount: 0 }], init };
      pods.push(p);
      return p as unknown as Pod;
    },
    deletePod: (p) => void ((p as unknown as FakePod).terminating = true),
    scaled: (s) => s * 1000,
    log: () => undefined,
  };
  return { h, pods };
}

test("hook phases and delete policies: none given is BeforeHookCreation; comma-separated lists; unknown refused", (t) => {
  t.deepEqual(hookDeletePolicies(job()), ["BeforeHookCreation"]);
  t.deepEqual(hookDeletePolicies(job({}, { "argocd.argoproj.io/hook-delete-policy": "HookSucceeded, HookFailed" })), ["HookSucceeded", "HookFailed"]);
  t.throws(() => hookDeletePolicies(job({}, { "argocd.argoproj.io/hook-delete-policy": "Always" })), { message: /not one of/ });
  t.deepEqual(phases(job({}, { "argocd.argoproj.io/hook": "PreSync,PostSync" })), ["PreSync", "PostSync"]);
  const steps = syncSteps([job({}, { "argocd.argoproj.io/hook": "PostSync" }), { ...job(), metadata: { name: "plain", namespace: "kafka" } }]);
  t.deepEqual(
    steps.map((s) => [s.phase, s.objects.map((o) => o.metadata.name)]),
    [
      ["Sync", ["plain"]],
      ["PostSync", ["create-topics"]],
    ],
  );
});

test("Job health as Argo CD: Complete Healthy, Failed Degraded, otherwise Progressing", (t) => {
  const j = job();
  t.is(jobHealth(j), "Progressing");
  j.status = { conditions: [{ type: "Complete", status: "True" }] };
  t.is(jobHealth(j), "Healthy");
  j.status = { conditions: [{ type: "Failed", status: "True" }] };
  t.is(jobHealth(j), "Degraded");
  const pod = (phase: string, restartPolicy?: string, ready = false) => ({ phase, spec: { restartPolicy }, ready }) as unknown as Pod;
  t.is(podHealth(pod("Succeeded", "Never")), "Healthy");
  t.is(podHealth(pod("Failed", "Never")), "Degraded");
  t.is(podHealth(pod("Running", "Never", true)), "Progressing");
  t.is(podHealth(pod("Running", undefined, true)), "Healthy");
  t.is(podHealth(undefined), "Progressing");
});

test("back-off between failed pods: 10 s doubling, at most 6 minutes", (t) => {
  t.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 12].map(jobBackoffSeconds), [0, 10, 20, 40, 80, 160, 320, 360, 360]);
});

test("pod names: <job>-<5 chars>, deterministic per Job uid and attempt", (t) => {
  const a = jobPodName(job(), 1);
  t.regex(a, /^create-topics-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  t.is(jobPodName(job(), 1), a);
  t.not(jobPodName(job(), 2), a);
});

test("validation: restartPolicy Never/OnFailure required, completions/parallelism 1 only, template immutable", (t) => {
  const always = job();
  always.spec.template.spec.restartPolicy = "Always";
  t.throws(() => validateJob(always), { message: /restartPolicy: Required value: valid values: "OnFailure", "Never"/ });
  t.throws(() => validateJob(job({ completions: 3 })), { message: /completions 3 is not reproduced/ });
  t.throws(() => validateJob(job({ parallelism: 2 })), { message: /parallelism 2 is not reproduced/ });
  t.notThrows(() => validateJob(job({ completions: 1, parallelism: 1 })));
  const changed = job();
  changed.spec.template.spec.containers[0].image = "y";
  t.throws(() => validateJob(changed, job()), { message: /spec\.template: Invalid value: .*field is immutable/ });
  t.notThrows(() => validateJob(job(), job()));
});

test("Never: one pod with the Job's labels; a failure waits the back-off, then a new pod; backoffLimit failures fail the Job", (t) => {
  const { h, pods } = host();
  const j = job({ backoffLimit: 1 });
  reconcileJob(j, h, 0);
  t.is(pods.length, 1);
  const labels = pods[0]?.init.labels ?? {};
  t.like(labels, { app: "t", "job-name": "create-topics", "batch.kubernetes.io/job-name": "create-topics", "controller-uid": "uid-1" });
  t.is(labels["batch.kubernetes.io/controller-uid"], "uid-1");
  t.deepEqual(pods[0]?.init.owner, { kind: "Job", name: "create-topics" });
  reconcileJob(j, h, 1000);
  t.is(pods.length, 1, "one pod at a time");
  Object.assign(pods[0] as FakePod, { phase: "Failed", finishedAt: 2000 });
  reconcileJob(j, h, 11_999);
  t.is(pods.length, 1, "10 s back-off after the first failure");
  reconcileJob(j, h, 12_000);
  t.is(pods.length, 2);
  t.is(j.status.failed, 1);
  t.is(jobHealth(j), "Progressing");
  Object.assign(pods[1] as FakePod, { phase: "Failed", finishedAt: 13_000 });
  reconcileJob(j, h, 14_000);
  t.is(jobHealth(j), "Degraded");
  t.like(j.status.conditions.at(-1), { type: "Failed", reason: "BackoffLimitExceeded" });
  reconcileJob(j, h, 100_000);
  t.is(pods.length, 2, "no pod after the Job failed");
});

test("Complete when a pod succeeds; OnFailure counts container restarts; activeDeadlineSeconds fails it and stops its pod", (t) => {
  const ok = host();
  const j = job();
  reconcileJob(j, ok.h, 0);
  (ok.pods[0] as FakePod).phase = "Succeeded";
  reconcileJob(j, ok.h, 5);
  t.is(jobHealth(j), "Healthy");
  t.is(j.status.succeeded, 1);
  t.truthy(j.status.completionTime);

  const onFailure = host();
  const o = job({ backoffLimit: 2 });
  o.spec.template.spec.restartPolicy = "OnFailure";
  reconcileJob(o, onFailure.h, 0);
  (onFailure.pods[0] as FakePod).phase = "Running";
  (onFailure.pods[0] as FakePod).containers[0] = { restartCount: 1 };
  reconcileJob(o, onFailure.h, 10);
  t.is(jobHealth(o), "Progressing");
  (onFailure.pods[0] as FakePod).containers[0] = { restartCount: 2 };
  reconcileJob(o, onFailure.h, 20);
  t.is(jobHealth(o), "Degraded");
  t.true(onFailure.pods[0]?.terminating);

  const deadline = host();
  const d = job({ activeDeadlineSeconds: 30 });
  reconcileJob(d, deadline.h, 0);
  (deadline.pods[0] as FakePod).phase = "Running";
  reconcileJob(d, deadline.h, 29_999);
  t.is(jobHealth(d), "Progressing");
  reconcileJob(d, deadline.h, 30_000);
  t.like(d.status.conditions.at(-1), { type: "Failed", reason: "DeadlineExceeded" });
  t.true(deadline.pods[0]?.terminating);
});

// ---- Argo CD hooks through Cluster.apply, with stand-in pods (no sandbox, no network) ------------

/**
 * A Cluster whose pods are stand-ins: a container whose command mentions `exit 1` fails, any other
 * succeeds; each writes a log file. The controllers and the sync are the real ones.
 */
async function standInCluster(t: import("ava").ExecutionContext) {
  const { Cluster } = await import("../e2e/runner/cluster.js");
  const dir = await tempDir(t, "kgo-jobs");
  const c = new Cluster({ imageRoot: dir });
  let n = 0;
  c.createPod = (init: PodInit) => {
    const logFile = join(dir, `${init.name}-${++n}.log`);
    const cmd = JSON.stringify(init.spec.containers?.[0]?.command ?? []);
    writeFileSync(logFile, `${Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join("\n")}\nran ${init.name}\n`);
    const pod = {
      ...init,
      createdAt: Date.now() + n,
      phase: "Running" as Pod["phase"],
      terminating: false,
      ready: true,
      containers: [{ restartCount: 0, logFile, signal: () => undefined }],
      finishedAt: undefined as number | undefined,
      delete: async () => {
        pod.terminating = true;
        pod.phase = "Gone";
      },
      available: () => true,
      refreshProjected: () => [],
    };
    // The container "runs" until the next controller pass.
    setImmediate(() => {
      if (pod.phase !== "Running") return;
      pod.phase = cmd.includes("exit 1") ? "Failed" : "Succeeded";
      pod.finishedAt = Date.now();
    });
    c.podList.push(pod as unknown as Pod);
    return pod as unknown as Pod;
  };
  // What up() would start: the controllers' loop (here without the network).
  const ticker = setInterval(() => (c as unknown as { tick(): void }).tick(), 20);
  t.teardown(() => clearInterval(ticker));
  return c;
}

const hookJob = (name: string, hook: string, command: string[], extra: Record<string, string> = {}, spec: Record<string, unknown> = {}): KObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: "kafka", annotations: { ...(hook ? { "argocd.argoproj.io/hook": hook } : {}), ...extra } },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "x", command }] } }, ...spec },
});

const cm = (name: string): KObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "kafka" }, data: {} });

test("sync: a PreSync Job hook runs before the Sync objects; BeforeHookCreation replaces it on the next sync; never pruned", async (t) => {
  const c = await standInCluster(t);
  const pre = hookJob("migrate", "PreSync", ["bash", "-c", "exit 0"]);
  await c.apply([pre, cm("config")], { healthTimeoutMs: 20_000 });
  t.true(c.objects.has("ConfigMap/kafka/config"));
  const first = c.objects.get("Job/kafka/migrate");
  t.is(first && jobHealth(first), "Healthy");
  const firstPod = c.jobPods("kafka", "migrate")[0];
  t.truthy(firstPod);
  t.like(firstPod?.labels, { "job-name": "migrate", "batch.kubernetes.io/job-name": "migrate" });
  await c.apply([pre, cm("config")], { healthTimeoutMs: 20_000 });
  const second = c.objects.get("Job/kafka/migrate");
  t.not(second?.metadata.uid, first?.metadata.uid, "the previous hook object was deleted and a new one created");
  t.is(c.jobPods("kafka", "migrate").length, 1);
  t.not(c.jobPods("kafka", "migrate")[0]?.name, firstPod?.name);
  await c.apply([cm("config")], { healthTimeoutMs: 20_000 });
  t.true(c.objects.has("Job/kafka/migrate"), "hooks are not pruned");
});

test("sync: a failed hook fails the sync naming the Job with its last pod's last 40 log lines; HookFailed deletes it", async (t) => {
  const c = await standInCluster(t);
  const bad = hookJob("check", "PreSync", ["bash", "-c", "exit 1"], { "argocd.argoproj.io/hook-delete-policy": "HookFailed" });
  const err = await t.throwsAsync(c.apply([bad, cm("config")], { healthTimeoutMs: 20_000 }));
  t.regex(err?.message ?? "", /^hook Job\/check \(PreSync\) failed: BackoffLimitExceeded: .*; last 40 log lines of pod check-[a-z0-9]{5}:\n/);
  // 51 lines written: the last 40 start at line 12.
  t.regex(err?.message ?? "", /:\nline 12\n/);
  t.notRegex(err?.message ?? "", /\nline 11\n/);
  t.regex(err?.message ?? "", /ran check-[a-z0-9]{5}/);
  t.false(c.objects.has("ConfigMap/kafka/config"), "the Sync phase never ran");
  t.false(c.objects.has("Job/kafka/check"));
  t.truthy(c.lastPod("Job", "kafka", "check"));
});

test("sync: a PostSync hook with HookSucceeded is waited on and deleted; a plain Job is tracked, Degraded when failed, its template immutable", async (t) => {
  const c = await standInCluster(t);
  const post = hookJob("smoke", "PostSync", ["bash", "-c", "exit 0"], { "argocd.argoproj.io/hook-delete-policy": "HookSucceeded" });
  const plain = hookJob("seed", "", ["bash", "-c", "exit 0"]);
  await c.apply([post, plain], { healthTimeoutMs: 20_000 });
  t.false(c.objects.has("Job/kafka/smoke"));
  t.is(c.health(plain), "Healthy");
  const changed = hookJob("seed", "", ["bash", "-c", "echo changed"]);
  await t.throwsAsync(c.apply([changed], { healthTimeoutMs: 20_000 }), { message: /Job\.batch "seed" is invalid: spec\.template: .*field is immutable/ });
  const failing = hookJob("broken", "", ["bash", "-c", "exit 1"], {}, { backoffLimit: 0 });
  const after: KObject = { ...cm("after"), metadata: { ...cm("after").metadata, annotations: { "argocd.argoproj.io/sync-wave": "1" } } };
  await t.throwsAsync(c.apply([plain, failing, after], { healthTimeoutMs: 20_000 }), { message: /Job\/broken is Degraded/ });
  t.false(c.objects.has("ConfigMap/kafka/after"));
  await t.throwsAsync(c.waitHealthy(5_000), { message: /Job\/kafka\/broken is Degraded/ });
});
