// A tiny Kubernetes for the rendered objects of one overlay: an object store, the StatefulSet,
// Deployment and Job controllers, cert-manager, the endpoints/DNS view, PDB-checked evictions, and
// Argo CD's sync (hooks included).
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hookDeletePolicies, isHook, type Phase, pruneWaves, syncOption, syncSteps } from "./argo.js";
import { CertManager, certManagerHealth, certManagerHealthMessage, isCertManagerKind } from "./cert-manager.js";
import type { EnvSources } from "./env.js";
import { type Health, jobHealth, podHealth, reconcileJob, validateJob } from "./jobs.js";
import { scaled } from "./knobs.js";
import { key, matches, type KObject } from "./objects.js";
import { INIT_SCRIPT, loadImage, Pod, type Image, type PodHost, type PodInit } from "./pod.js";
import { Network, NODE_NS, STATE_DIR, type NetSlot } from "./net.js";
import { run, sleep, waitFor, type RunResult } from "./sh.js";
import { deploymentHealthy, reconcileDeployment, reconcileStatefulSet, statefulSetHealthy } from "./workloads.js";

const PROBER = join(dirname(fileURLToPath(import.meta.url)), "prober.js");
const CLUSTER_DOMAIN = "cluster.local";

export interface ClusterOptions {
  imageRoot: string;
  libDir?: string;
  log?: (msg: string) => void;
}

export interface Client {
  namespace: string;
  slot: NetSlot;
}

export class Cluster {
  readonly objects = new Map<string, KObject>();
  /** Objects applied through apply() (Argo CD's tracking), for prune. */
  private tracked = new Set<string>();
  readonly podList: Pod[] = [];
  private claims = new Map<string, Pod>();
  private clients: Client[] = [];
  private net = new Network();
  private image: Image;
  private prober: ChildProcess | undefined;
  private probeId = 0;
  private probeWaiters = new Map<number, (r: [boolean, string]) => void>();
  private ticker: NodeJS.Timeout | undefined;
  private dnsDirty = false;
  readonly log: (msg: string) => void;
  readonly errors: string[] = [];
  readonly events: string[] = [];
  /** cert-manager: issues the Certificates applied, plus the harness-provided issuers (`provideClusterIssuer`) and `renew`. */
  readonly certManager: CertManager;
  private uidCounter = 0;
  /** Bare Pod objects whose pod was started (a bare pod is never re-created by anyone). */
  private startedPods = new Set<string>();
  /** The last pod each owner (`Kind/ns/name`) created, kept after deletion: a failed hook quotes its log. */
  private lastPodOf = new Map<string, Pod>();

  constructor(readonly opts: ClusterOptions) {
    this.image = loadImage(opts.imageRoot);
    this.log = (m) => {
      this.events.push(`${new Date().toISOString().slice(11, 23)} ${m}`);
      opts.log?.(m);
    };
    this.certManager = new CertManager({
      get: (kind, ns, name) => this.objects.get(`${kind}/${ns}/${name}`),
      list: (kind) => [...this.objects.values()].filter((o) => o.kind === kind),
      put: (o) => this.putObject(o),
      log: this.log,
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------
  async up(): Promise<void> {
    mkdirSync(STATE_DIR, { recursive: true });
    await this.net.up();
    const p = spawn("ip", ["netns", "exec", NODE_NS, process.execPath, PROBER], { stdio: ["pipe", "pipe", "inherit"] });
    this.prober = p;
    createInterface({ input: p.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const r = JSON.parse(line) as { id: number; ok: boolean; detail: string };
      this.probeWaiters.get(r.id)?.([r.ok, r.detail]);
      this.probeWaiters.delete(r.id);
    });
    this.ticker = setInterval(() => this.tick(), 200);
  }

  async down(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    // Everything ends at once here: no grace period (the namespaces go away next).
    for (const p of this.podList) {
      p.terminating = true;
      for (const c of p.containers) c.signal("SIGKILL");
    }
    await sleep(300);
    this.prober?.stdin?.end();
    this.prober?.kill();
  }

  private tick(): void {
    try {
      for (const o of this.objects.values()) {
        if (o.kind === "StatefulSet") reconcileStatefulSet(o, this.workloadHost);
        if (o.kind === "Deployment") reconcileDeployment(o, this.workloadHost);
        if (o.kind === "Job") reconcileJob(o, this.workloadHost);
        if (o.kind === "Pod") this.startBarePod(o);
      }
      this.certManager.reconcile();
      this.collectOrphans();
    } catch (e) {
      this.fail(`controller: ${(e as Error).message}`);
    }
    if (this.dnsDirty) {
      this.dnsDirty = false;
      this.writeDns();
    }
  }

  private fail(msg: string): void {
    if (!this.errors.includes(msg)) {
      this.errors.push(msg);
      this.log(`ERROR ${msg}`);
    }
  }

  /** A Pod object (a hook, or a bare pod in Git): its one pod, started once, never re-created. */
  private startBarePod(o: KObject): void {
    const uid = o.metadata.uid as string;
    if (this.startedPods.has(uid)) return;
    this.startedPods.add(uid);
    this.ownedPod({
      name: o.metadata.name,
      namespace: o.metadata.namespace as string,
      labels: { ...(o.metadata.labels ?? {}) },
      annotations: { ...(o.metadata.annotations ?? {}) },
      spec: structuredClone(o.spec),
      owner: { kind: "Pod", name: o.metadata.name },
      revision: uid,
    });
  }

  /** Pods whose controller is gone are deleted (the garbage collector's cascading delete). */
  private collectOrphans(): void {
    for (const p of this.livePods()) {
      const owner = this.objects.get(`${p.owner.kind}/${p.namespace}/${p.owner.name}`);
      if (!owner) this.deletePod(p);
    }
  }

  // ---- the pods' view of the cluster -----------------------------------------------------------
  private get envSources(): EnvSources {
    return {
      configMap: (ns, name) => this.objects.get(`ConfigMap/${ns}/${name}`),
      secret: (ns, name) => this.objects.get(`Secret/${ns}/${name}`),
      services: (ns) => [...this.objects.values()].filter((o) => o.kind === "Service" && o.metadata.namespace === ns),
      clusterIp: (svc) => this.serviceAddresses(svc)[0],
    };
  }

  private get podHost(): PodHost {
    return {
      net: this.net,
      image: this.image,
      libDir: this.opts.libDir,
      env: this.envSources,
      claimFolder: (ns, claim) => (this.objects.has(`PersistentVolumeClaim/${ns}/${claim}`) ? claimPath(ns, claim) : undefined),
      acquireClaim: (ns, claim, pod) => {
        const k = `${ns}/${claim}`;
        const holder = this.claims.get(k);
        if (holder && holder !== pod && holder.phase !== "Gone") return false;
        this.claims.set(k, pod);
        return true;
      },
      releaseClaims: (pod) => {
        for (const [k, p] of this.claims) if (p === pod) this.claims.delete(k);
      },
      probe: (req) =>
        new Promise((resolve) => {
          const id = ++this.probeId;
          this.probeWaiters.set(id, resolve);
          this.prober?.stdin?.write(JSON.stringify({ id, ...req }) + "\n");
        }),
      changed: () => {
        this.dnsDirty = true;
      },
      log: this.log,
    };
  }

  private get workloadHost() {
    return {
      podsOf: (kind: string, ns: string, name: string) =>
        this.podList.filter((p) => p.phase !== "Gone" && p.owner.kind === kind && p.owner.name === name && p.namespace === ns),
      createPod: (init: PodInit) => this.ownedPod(init),
      deletePod: (pod: Pod) => this.deletePod(pod),
      scaled,
      log: this.log,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      ensureClaim: (ns: string, claim: string, template: any) => {
        const k = `PersistentVolumeClaim/${ns}/${claim}`;
        if (this.objects.has(k)) return;
        this.putObject({
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { ...template.metadata, name: claim, namespace: ns },
          spec: template.spec,
        });
      },
    };
  }

  createPod(init: PodInit): Pod {
    const pod = new Pod(this.podHost, init);
    this.podList.push(pod);
    this.log(`${init.namespace}/${init.name}: created by ${init.owner.kind}/${init.owner.name}`);
    pod.run().catch((e: Error) => this.fail(`pod ${init.name}: ${e.message}`));
    return pod;
  }

  /** A pod a controller creates, remembered as its owner's last one. */
  private ownedPod(init: PodInit): Pod {
    const pod = this.createPod(init);
    this.lastPodOf.set(`${init.owner.kind}/${init.namespace}/${init.owner.name}`, pod);
    return pod;
  }

  deletePod(pod: Pod): Promise<void> {
    return pod.delete().then(() => {
      const i = this.podList.indexOf(pod);
      if (i >= 0) this.podList.splice(i, 1);
    });
  }

  livePods(): Pod[] {
    return this.podList.filter((p) => p.phase !== "Gone");
  }

  // ---- Services and DNS ------------------------------------------------------------------------
  /** Endpoints of a Service: selected pods that are Ready, or any (terminating too) with publishNotReadyAddresses. */
  endpoints(svc: KObject): Pod[] {
    if (!svc.spec?.selector) return [];
    const pnr = svc.spec.publishNotReadyAddresses === true;
    return (
      this.livePods()
        // A pod whose containers all ended (Succeeded/Failed) is never an endpoint, not even with publishNotReadyAddresses.
        .filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed")
        .filter((p) => p.namespace === svc.metadata.namespace && p.slot && matches(svc.spec.selector, p.labels))
        .filter((p) => (pnr ? true : p.ready))
        .sort((a, b) => Number(b.ready) - Number(a.ready) || a.name.localeCompare(b.name))
    );
  }

  /**
   * The addresses a Service name resolves to. Headless: every endpoint. ClusterIP: there is no
   * kube-proxy, so the name resolves to ONE endpoint's pod IP (a Ready one first, then by name).
   */
  serviceAddresses(svc: KObject): string[] {
    const eps = this.endpoints(svc).map((p) => p.slot.ip);
    return svc.spec?.clusterIP === "None" ? eps : eps.slice(0, 1);
  }

  private records(viewNs: string): [string, string][] {
    const out: [string, string][] = [];
    const names = (fqdnPrefix: string, ns: string): string[] => {
      // What the pod's search path (<ns>.svc.cluster.local svc.cluster.local cluster.local) lets a name resolve as.
      const list = [`${fqdnPrefix}.${ns}.svc.${CLUSTER_DOMAIN}`, `${fqdnPrefix}.${ns}.svc`, `${fqdnPrefix}.${ns}`];
      if (ns === viewNs) list.push(fqdnPrefix);
      return list;
    };
    const services = [...this.objects.values()].filter((o) => o.kind === "Service").sort((a, b) => key(a).localeCompare(key(b)));
    for (const svc of services) {
      const ns = svc.metadata.namespace as string;
      for (const ip of this.serviceAddresses(svc)) for (const n of names(svc.metadata.name, ns)) out.push([ip, n]);
      // Per-pod records of a headless Service: pods whose subdomain is this Service and that have a hostname.
      if (svc.spec?.clusterIP === "None") {
        for (const p of this.endpoints(svc)) {
          if (p.spec.subdomain !== svc.metadata.name) continue;
          for (const n of names(`${p.hostname}.${svc.metadata.name}`, ns)) out.push([p.slot.ip, n]);
        }
      }
    }
    return out;
  }

  /** Rewrites every pod's and client's hosts file in place (the bind mounts follow the inode). */
  private writeDns(): void {
    const byNs = new Map<string, string>();
    const recordsFor = (ns: string) => {
      if (!byNs.has(ns))
        byNs.set(
          ns,
          this.records(ns)
            .map(([ip, n]) => `${ip}\t${n}`)
            .join("\n"),
        );
      return byNs.get(ns) as string;
    };
    const header =
      "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";
    const dnsNote = "# kafka-gitops e2e: the cluster DNS (CoreDNS in Kubernetes) as seen from this namespace\n";
    for (const p of this.livePods()) {
      if (!p.slot || !existsSync(p.slot.hostsFile)) continue;
      // The kubelet's own line: FQDN then hostname for a pod with a subdomain, else the pod's hostname alone.
      const own = p.fqdn ? `${p.slot.ip}\t${p.fqdn}\t${p.hostname}` : `${p.slot.ip}\t${p.hostname}`;
      const aliases = (p.spec.hostAliases ?? []).map((a: { ip: string; hostnames: string[] }) => `${a.ip}\t${a.hostnames.join("\t")}`).join("\n");
      writeFileSync(
        p.slot.hostsFile,
        `${header}${own}\n${aliases ? `# Entries added by HostAliases.\n${aliases}\n` : ""}${dnsNote}${recordsFor(p.namespace)}\n`,
      );
    }
    for (const c of this.clients) writeFileSync(c.slot.hostsFile, `${header}${c.slot.ip}\te2e-client\n${dnsNote}${recordsFor(c.namespace)}\n`);
  }

  // ---- objects and Argo CD's sync --------------------------------------------------------------
  private putObject(o: KObject): void {
    const k = key(o);
    const prev = this.objects.get(k);
    if (prev && o.kind === "StatefulSet") {
      // The API server refuses changes to these fields (Argo CD's sync fails).
      for (const f of ["selector", "serviceName", "podManagementPolicy", "volumeClaimTemplates"]) {
        const strip = (v: unknown) => JSON.stringify(v, (kk, vv) => (kk === "status" ? undefined : vv));
        if (strip(prev.spec[f]) !== strip(o.spec[f]))
          throw new Error(
            `StatefulSet.apps "${o.metadata.name}" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden (${f})`,
          );
      }
    }
    if (prev && o.kind === "Deployment" && JSON.stringify(prev.spec.selector) !== JSON.stringify(o.spec.selector))
      throw new Error(`Deployment.apps "${o.metadata.name}" is invalid: spec.selector: field is immutable`);
    if (o.kind === "Job") validateJob(o, prev);
    if (prev && o.kind === "Pod" && JSON.stringify(prev.spec) !== JSON.stringify(o.spec))
      throw new Error(`Pod "${o.metadata.name}" is invalid: spec: Forbidden: pod updates may not change fields other than ...`);
    // The API server keeps an object's uid and status across updates (status is a subresource).
    o.metadata.uid = prev?.metadata.uid ?? `e2e-obj-${++this.uidCounter}`;
    if (prev?.status !== undefined && o.status === undefined) o.status = prev.status;
    if (o.kind === "Secret" && o.stringData) {
      // Write-only: merged into data on write, as the API server does.
      o.data = { ...(o.data ?? {}), ...Object.fromEntries(Object.entries(o.stringData).map(([kk, v]) => [kk, Buffer.from(v).toString("base64")])) };
      delete o.stringData;
    }
    this.objects.set(k, o);
    this.dnsDirty = true;
    // The kubelet syncs changed Secrets/ConfigMaps into running pods' volumes (a new one too: an `optional` volume gets its files).
    const bin = (x?: KObject) => JSON.stringify([x?.data, (x as { binaryData?: unknown } | undefined)?.binaryData]);
    if ((o.kind === "Secret" || o.kind === "ConfigMap") && (!prev || bin(prev) !== bin(o)))
      for (const p of this.livePods()) if (p.namespace === o.metadata.namespace) p.refreshProjected(o.kind, o.metadata.name);
  }

  private deleteObject(k: string): void {
    const o = this.objects.get(k);
    if (!o) return;
    this.objects.delete(k);
    this.log(`deleted ${k}`);
    if (o.kind === "StatefulSet" && o.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete") {
      for (const vct of o.spec.volumeClaimTemplates ?? []) {
        for (const [ck] of this.objects)
          if (ck.startsWith(`PersistentVolumeClaim/${o.metadata.namespace}/${vct.metadata.name}-${o.metadata.name}-`)) this.deleteObject(ck);
      }
    }
    if (o.kind === "PersistentVolumeClaim") {
      // pvc-protection: the volume goes once no pod uses it (dynamic provisioning, reclaimPolicy Delete).
      const ns = o.metadata.namespace as string;
      void waitFor("claim release", () => !this.claims.has(`${ns}/${o.metadata.name}`), 600_000).then(() =>
        rmSync(claimPath(ns, o.metadata.name), { recursive: true, force: true }),
      );
    }
    if (o.kind === "Namespace") for (const [ok, obj] of this.objects) if (obj.metadata.namespace === o.metadata.name) this.deleteObject(ok);
    this.dnsDirty = true;
  }

  /** Argo CD health of one object (its health checks for the kinds here; others are Healthy). */
  health(o: KObject): Health {
    const live = this.objects.get(key(o)) ?? o;
    const pods = this.workloadHost.podsOf(o.kind, o.metadata.namespace ?? "", o.metadata.name);
    if (o.kind === "StatefulSet") return statefulSetHealthy(live, pods) ? "Healthy" : "Progressing";
    if (o.kind === "Deployment") return deploymentHealthy(live, pods) ? "Healthy" : "Progressing";
    if (o.kind === "Job") return jobHealth(live);
    if (o.kind === "Pod") return podHealth(pods[0]);
    if (isCertManagerKind(o)) return certManagerHealth(live);
    // PVCs are bound at creation here (no WaitForFirstConsumer); Services are ClusterIP/headless.
    return "Healthy";
  }

  /** What Argo CD shows with a health (", message"), for the errors that name a Degraded object. */
  private healthMessage(o: KObject): string {
    const live = this.objects.get(key(o)) ?? o;
    let m = "";
    if (isCertManagerKind(live)) m = certManagerHealthMessage(live);
    else if (live.kind === "Job") m = (live.status?.conditions ?? []).find((c: { type: string }) => c.type === "Failed")?.message ?? "";
    return m ? ` (${m})` : "";
  }

  healthy(o: KObject): boolean {
    return this.health(o) === "Healthy";
  }

  /** Deletes an object and waits until its pods are gone (a hook's deletion before it is created again). */
  private async deleteAndWait(k: string, timeoutMs: number): Promise<void> {
    const o = this.objects.get(k);
    if (!o) return;
    this.deleteObject(k);
    this.tick();
    await waitFor(`${k} deleted`, () => this.workloadHost.podsOf(o.kind, o.metadata.namespace ?? "", o.metadata.name).length === 0, timeoutMs, 100);
  }

  /**
   * A hook of the running phase: BeforeHookCreation deletes the previous object of that name
   * first; then it is created (not tracked: hooks are never pruned).
   */
  private async createHook(o: KObject, timeoutMs: number): Promise<void> {
    if (hookDeletePolicies(o).includes("BeforeHookCreation")) await this.deleteAndWait(key(o), timeoutMs);
    this.putObject(structuredClone(o));
    this.log(`hook ${o.kind}/${o.metadata.name} created`);
  }

  /**
   * Whether a hook finished: true when it succeeded (HookSucceeded deletes it), false while it runs;
   * throws when it failed (HookFailed deletes it), naming it and quoting its last pod's log.
   */
  private hookDone(o: KObject, phase: Phase): boolean {
    const k = key(o);
    const live = this.objects.get(k);
    if (!live) throw new Error(`hook ${o.kind}/${o.metadata.name} (${phase}) was deleted while it ran`);
    // A Job hook is done when Complete or Failed, a Pod hook when its pod Succeeded or Failed, any other once healthy.
    const pod = o.kind === "Pod" ? this.workloadHost.podsOf("Pod", o.metadata.namespace ?? "", o.metadata.name)[0] : undefined;
    let h: Health;
    if (o.kind === "Job") h = jobHealth(live);
    else if (o.kind === "Pod") h = pod?.phase === "Succeeded" ? "Healthy" : pod?.phase === "Failed" ? "Degraded" : "Progressing";
    else h = this.health(live);
    const policies = hookDeletePolicies(o);
    if (h === "Progressing") return false;
    if (h === "Healthy") {
      this.log(`hook ${o.kind}/${o.metadata.name} (${phase}) succeeded`);
      if (policies.includes("HookSucceeded")) this.deleteObject(k);
      return true;
    }
    const last = this.lastPodOf.get(k);
    const cond = (live.status?.conditions ?? []).find((c: { type: string; status: string }) => c.type === "Failed" && c.status === "True");
    const why = cond ? `${cond.reason}: ${cond.message}` : `pod ${last?.phase ?? "gone"}`;
    const logs = last ? this.logs(last, 40) : "";
    if (policies.includes("HookFailed")) this.deleteObject(k);
    throw new Error(
      `hook ${o.kind}/${o.metadata.name} (${phase}) failed: ${why}${last ? `; last 40 log lines of pod ${last.name}:\n${logs}` : " (no pod ran)"}`,
    );
  }

  /**
   * One Argo CD sync of the rendered objects, in gitops-engine's order: PreSync hooks, then the Sync
   * waves, then PostSync. In each Sync wave the objects to prune that fall in it (pruneWaves) are
   * deleted first (except `Prune=false`), then the wave's objects are applied; the next wave starts
   * once the wave's objects are healthy and its pruned objects are gone (Argo CD prunes with
   * foreground deletion: a workload is gone once its pods are). Hooks run in their phase.
   */
  async apply(rendered: KObject[], opts: { healthTimeoutMs?: number } = {}): Promise<void> {
    const timeout = opts.healthTimeoutMs ?? 600_000;
    const applySteps = syncSteps(rendered);
    const newKeys = new Set(rendered.filter((o) => !isHook(o)).map(key));
    const pruneKeys = [...this.tracked].filter((k) => !newKeys.has(k) && this.objects.has(k));
    const live = pruneKeys.map((k) => this.objects.get(k)!);
    const waves = pruneWaves(
      live,
      applySteps.filter((s) => s.phase === "Sync").map((s) => s.wave),
    );
    type Step = { phase: Phase; wave: number; objects: KObject[]; prune: string[] };
    const steps: Step[] = applySteps.map((s) => ({ ...s, prune: [] }));
    pruneKeys.forEach((k, i) => {
      let step = steps.find((s) => s.phase === "Sync" && s.wave === waves[i]);
      if (!step) steps.push((step = { phase: "Sync", wave: waves[i]!, objects: [], prune: [] }));
      step.prune.push(k);
    });
    const order: Phase[] = ["PreSync", "Sync", "PostSync"];
    steps.sort((a, b) => order.indexOf(a.phase) - order.indexOf(b.phase) || a.wave - b.wave);
    for (const step of steps) {
      const deleted: KObject[] = [];
      for (const k of step.prune) {
        const o = this.objects.get(k);
        this.tracked.delete(k);
        // Deleted by hand while the sync ran: Argo CD finds nothing to prune.
        if (!o) continue;
        if (syncOption(o, "Prune=false")) {
          this.log(`prune skipped (Prune=false): ${k}`);
          continue;
        }
        this.deleteObject(k);
        deleted.push(o);
      }
      const hooks = step.objects.filter(isHook);
      const plain = step.objects.filter((o) => !isHook(o));
      for (const o of hooks) await this.createHook(o, timeout);
      for (const o of plain) {
        this.putObject(structuredClone(o));
        this.tracked.add(key(o));
      }
      this.tick();
      const done = new Set<string>();
      // Hooks are waited on even in the last step: the sync ends when its PostSync hooks have.
      if (step !== steps[steps.length - 1] || hooks.length)
        await waitFor(
          `wave ${step.wave} (${step.phase}) healthy${hooks.length ? ", its hooks complete" : ""}${deleted.length ? ", its pruned objects gone" : ""}`,
          () => {
            for (const h of hooks) if (!done.has(key(h)) && this.hookDone(h, step.phase)) done.add(key(h));
            // A Degraded resource (a failed Job or Pod) fails the sync, as gitops-engine marks its task failed.
            const bad = plain.find((o) => this.health(o) === "Degraded");
            if (bad) throw new Error(`${bad.kind}/${bad.metadata.name} is Degraded${this.healthMessage(bad)}: the sync failed`);
            return (
              done.size === hooks.length &&
              plain.every((o) => this.healthy(o)) &&
              deleted.every((o) => this.workloadHost.podsOf(o.kind, o.metadata.namespace ?? "", o.metadata.name).length === 0)
            );
          },
          timeout,
          250,
        );
    }
  }

  /**
   * `kubectl delete KIND -l SELECTOR --cascade=foreground` by an operator: the objects go at once,
   * their pods are deleted (graceful shutdown); resolves when those pods are gone. Returns the names.
   */
  async deleteByHand(kind: string, namespace: string, selector: Record<string, string>): Promise<string[]> {
    const gone = [...this.objects.entries()].filter(
      ([, o]) => o.kind === kind && o.metadata.namespace === namespace && Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    for (const [k] of gone) this.deleteObject(k);
    this.tick();
    await waitFor(
      `${kind} deleted by hand: pods gone`,
      () => gone.every(([, o]) => this.workloadHost.podsOf(o.kind, namespace, o.metadata.name).length === 0),
      600_000,
      250,
    );
    return gone.map(([, o]) => o.metadata.name);
  }

  /** Waits until every tracked workload is healthy by Argo CD's rules. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    await waitFor(
      "every workload healthy",
      () => {
        if (this.errors.length) throw new Error(this.errors.join("; "));
        // A failed Job or Pod never becomes healthy: say so instead of waiting out the timeout.
        const bad = [...this.objects.values()].find((o) => this.health(o) === "Degraded");
        if (bad) throw new Error(`${bad.kind}/${bad.metadata.namespace}/${bad.metadata.name} is Degraded${this.healthMessage(bad)}`);
        return [...this.objects.values()].every((o) => this.healthy(o));
      },
      timeoutMs,
      250,
    );
  }

  /** A Secret a team creates by hand (`kubectl create secret generic`), e.g. users' passwords; not in Git, never pruned. */
  createSecret(namespace: string, name: string, data: Record<string, string | Buffer>, type = "Opaque"): void {
    if (this.objects.has(`Secret/${namespace}/${name}`)) throw new Error(`secrets "${name}" already exists in ${namespace}`);
    this.putSecret(namespace, name, data, type);
  }

  /** Replaces a hand-made Secret's data; running pods' secret volumes get the new files atomically (the kubelet's sync). */
  updateSecret(namespace: string, name: string, data: Record<string, string | Buffer>, type?: string): void {
    const prev = this.objects.get(`Secret/${namespace}/${name}`);
    if (!prev) throw new Error(`secrets "${name}" not found in ${namespace}`);
    this.putSecret(namespace, name, data, type ?? prev.type ?? "Opaque");
  }

  private putSecret(namespace: string, name: string, data: Record<string, string | Buffer>, type: string): void {
    this.putObject({
      apiVersion: "v1",
      kind: "Secret",
      type,
      metadata: { name, namespace },
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
    });
    this.log(`Secret ${namespace}/${name} written by hand`);
  }

  /** A voluntary eviction: refused (HTTP 429) when a PodDisruptionBudget would be violated. */
  evict(pod: Pod): { evicted: boolean; reason?: string } {
    for (const pdb of [...this.objects.values()].filter((o) => o.kind === "PodDisruptionBudget" && o.metadata.namespace === pod.namespace)) {
      if (!matches(pdb.spec.selector, pod.labels)) continue;
      const selected = this.livePods().filter((p) => p.namespace === pod.namespace && matches(pdb.spec.selector, p.labels));
      const expected = selected.length;
      const healthy = selected.filter((p) => p.ready).length;
      let desired: number;
      if (pdb.spec.maxUnavailable !== undefined) {
        const mu = pdb.spec.maxUnavailable;
        desired = expected - (typeof mu === "number" ? mu : Math.ceil((Number(String(mu).replace("%", "")) / 100) * expected));
      } else {
        const ma = pdb.spec.minAvailable ?? 0;
        desired = typeof ma === "number" ? ma : Math.ceil((Number(String(ma).replace("%", "")) / 100) * expected);
      }
      // An unhealthy pod may always go (its eviction does not lower the healthy count).
      if (pod.ready && healthy - 1 < desired)
        return {
          evicted: false,
          reason: `Cannot evict pod as it would violate the pod's disruption budget ${pdb.metadata.name} (healthy ${healthy}, desired ${desired})`,
        };
    }
    void this.deletePod(pod);
    return { evicted: true };
  }

  // ---- reaching pods and clients ---------------------------------------------------------------
  pod(name: string, ns?: string): Pod {
    const p = this.livePods().find((x) => x.name === name && (!ns || x.namespace === ns));
    if (!p) throw new Error(`pod ${name} not found`);
    return p;
  }

  /** A Job's pods, finished ones included, oldest first (`kubectl get pods -l job-name=NAME`); their logs stay readable. */
  jobPods(namespace: string, job: string): Pod[] {
    return this.livePods()
      .filter((p) => p.owner.kind === "Job" && p.owner.name === job && p.namespace === namespace)
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  /** The last pod an owner (`Job`, `Pod`, `StatefulSet`, `Deployment`) created, even once deleted (a hook deleted by its policy). */
  lastPod(kind: string, namespace: string, name: string): Pod | undefined {
    return this.lastPodOf.get(`${kind}/${namespace}/${name}`);
  }

  /** The pod `kubectl exec deploy/NAME` or `sts/NAME` picks (the first Running pod of the workload). */
  podFor(target: string, ns: string): Pod {
    const [kind, name] = target.includes("/") ? target.split("/") : ["pod", target];
    if (kind === "pod" || kind === "po") return this.pod(name as string, ns);
    const k = kind?.startsWith("deploy") ? "Deployment" : kind?.startsWith("job") ? "Job" : "StatefulSet";
    const p = this.livePods()
      .filter((x) => x.owner.kind === k && x.owner.name === name && x.namespace === ns && x.phase === "Running")
      .sort((a, b) => a.name.localeCompare(b.name))[0];
    if (!p) throw new Error(`no running pod for ${target} in ${ns}`);
    return p;
  }

  exec(pod: Pod, argv: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    const c = pod.containers[0];
    if (!c) throw new Error(`pod ${pod.name} has no container`);
    const t0 = Date.now();
    return run(c.execArgv(argv), opts).then((r) => {
      this.log(`exec ${pod.name}: ${argv.slice(0, 3).join(" ")}: exit ${r.code ?? r.signal} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      return r;
    });
  }

  /** Like exec, but streaming: the caller writes stdin and reads stdout (kubectl exec -i). */
  execSpawn(pod: Pod, argv: string[]): ChildProcess {
    const c = pod.containers[0];
    if (!c) throw new Error(`pod ${pod.name} has no container`);
    const [cmd, ...args] = c.execArgv(argv);
    return spawn(cmd as string, args, { stdio: ["pipe", "pipe", "pipe"] });
  }

  /** Ctrl-C on `kubectl exec -it`: SIGINT to the command inside the container (nsenter's child). */
  interrupt(child: ChildProcess): void {
    const pid = child.pid;
    if (!pid) return;
    try {
      for (const k of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean)) process.kill(Number(k), "SIGINT");
    } catch {
      child.kill("SIGINT");
    }
  }

  /** Sends a signal to the container's PID 1 (SIGKILL: the kubelet restarts it). */
  kill(pod: Pod, signal: NodeJS.Signals): void {
    for (const c of pod.containers) c.signal(signal);
  }

  /** A namespace for clients (tools, load), placed in Kubernetes namespace `ns`. */
  /** Folders every client container sees (read-only), e.g. the client certificates and configs a security scenario writes: the files a client team would mount. */
  readonly clientMounts: Array<{ src: string; dst: string }> = [];

  async client(ns: string): Promise<Client> {
    const found = this.clients.find((c) => c.namespace === ns);
    if (found) return found;
    const slot = await this.net.add(`client-${ns}`.slice(0, 40), { etcNetns: true });
    const c = { namespace: ns, slot };
    this.clients.push(c);
    this.writeDns();
    return c;
  }

  /** Spawns argv in a client namespace with the image's filesystem view (a throw-away client container). */
  spawnClient(client: Client, argv: string[], opts: { env?: Record<string, string>; stdio?: SpawnOptions["stdio"] } = {}): ChildProcess {
    const child = this.spawnClientProcess(client, argv, opts);
    // A signal is for the client container's PID 1 (unshare does not forward it, and setpriv's
    // change of user clears the parent-death signal): kill() goes to unshare's child.
    const kill = child.kill.bind(child);
    child.kill = (sig?: NodeJS.Signals | number) => {
      try {
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(" ").filter(Boolean);
        if (kids.length) {
          for (const k of kids) process.kill(Number(k), sig ?? "SIGTERM");
          return true;
        }
      } catch {
        /* not started or gone */
      }
      return kill(sig);
    };
    return child;
  }

  private spawnClientProcess(client: Client, argv: string[], opts: { env?: Record<string, string>; stdio?: SpawnOptions["stdio"] } = {}): ChildProcess {
    const cdir = join(STATE_DIR, "clients", `${client.slot.netns}-${++this.probeId}`);
    mkdirSync(cdir, { recursive: true });
    // A fresh copy of the image's writable folders per client process, as for a container start.
    const envFile = join(cdir, "env");
    const env: Record<string, string> = { ...Object.fromEntries(this.image.env), HOSTNAME: "e2e-client", ...(opts.env ?? {}) };
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\0`)
        .join(""),
    );
    const rootDir = join(cdir, "root");
    return spawn(
      "bash",
      [
        "-c",
        `cp -a "$0/." "$1" && chown -R 1000:1000 "$1" && exec ip netns exec "$2" unshare --mount --uts --pid --fork --mount-proc --kill-child -- bash "$3" "\${@:4}"`,
        this.image.root,
        rootDir,
        client.slot.netns,
        INIT_SCRIPT,
        ...argv,
      ],
      {
        stdio: opts.stdio ?? ["pipe", "pipe", "pipe"],
        env: {
          PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          KGO_HOSTNAME: "e2e-client",
          KGO_CDIR: cdir,
          KGO_LIBS: this.opts.libDir ?? "",
          KGO_MOUNTS: this.clientMounts.map((m) => `${m.src}\t${m.dst}\tro`).join("\n"),
          KGO_HOSTS: client.slot.hostsFile,
          KGO_RESOLV: client.slot.resolvFile,
          KGO_ENVFILE: envFile,
          KGO_WORKDIR: this.image.workdir,
          KGO_UID: "1000",
          KGO_GID: "1000",
          KGO_GROUPS: "",
          KGO_NNP: "1",
        },
      },
    );
  }

  /** Runs argv in a client namespace to completion. */
  execClient(client: Client, argv: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = this.spawnClient(client, argv);
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
      const t = opts.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs) : undefined;
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (t) clearTimeout(t);
        resolve({ code, signal, stdout, stderr });
      });
      child.stdin?.end(opts.input ?? "");
    });
  }

  /** The last lines of a pod's current container log. */
  logs(pod: Pod, lines = 40): string {
    const f = pod.containers[0]?.logFile;
    // The final newline ends the last line; it does not start one more.
    return f && existsSync(f) ? readFileSync(f, "utf8").replace(/\n$/, "").split("\n").slice(-lines).join("\n") : "";
  }
}

export function claimPath(ns: string, claim: string): string {
  const p = join(STATE_DIR, "pvc", ns, claim);
  mkdirSync(p, { recursive: true });
  return p;
}
