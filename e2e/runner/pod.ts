// One pod as the kubelet runs it: its network namespace, volumes, containers (restartPolicy
// Always with CrashLoopBackOff, OnFailure, Never), probes and their effects, and graceful termination.
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { containerEnv, EnvNotReady, expand, type EnvSources, type PodFacts } from "./env.js";
import { EXTRA_JVM_OPTS, HEAP_OPTS, scaled } from "./knobs.js";
import { STATE_DIR, type NetSlot, type Network } from "./net.js";
import { must, run, sleep, type RunResult } from "./sh.js";

export const INIT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../../../e2e/runner/container-init.sh");
/** The apache/kafka image runs as `appuser` (uid/gid 1000) unless the pod says otherwise. */
const IMAGE_UID = 1000;
const IMAGE_GID = 1000;

/** What an image gives a container; read from the Kafka side's image folder (see NOTES-runner.md). */
export interface Image {
  root: string;
  env: [string, string][];
  workdir: string;
  entrypoint: string[];
  cmd: string[];
}

export function loadImage(root: string): Image {
  const read = (f: string) =>
    existsSync(join(root, f))
      ? readFileSync(join(root, f), "utf8")
          .split("\n")
          .filter((l) => l.trim() !== "")
      : undefined;
  const env = (read("image.env") ?? []).map((l): [string, string] => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]);
  return {
    root,
    env,
    workdir: read("image.workdir")?.[0] ?? "/",
    entrypoint: read("image.entrypoint") ?? [],
    cmd: read("image.cmd") ?? ["/etc/kafka/docker/run"],
  };
}

export interface PodHost {
  net: Network;
  image: Image;
  libDir?: string;
  env: EnvSources;
  /** The folder of a PVC, or undefined while the claim does not exist (the pod stays Pending). */
  claimFolder(ns: string, claim: string): string | undefined;
  /** ReadWriteOnce: one pod at a time; false while another pod still holds it. */
  acquireClaim(ns: string, claim: string, pod: Pod): boolean;
  releaseClaims(pod: Pod): void;
  probe(req: { kind: "tcp" | "http"; host: string; port: number; path?: string; timeoutMs: number }): Promise<[boolean, string]>;
  changed(): void;
  log(msg: string): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

export interface PodInit {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Spec;
  owner: { kind: string; name: string };
  revision: string;
}

let uidCounter = 0;

export class Container {
  restartCount = 0;
  /**
   * Seconds the next start of this container spends before its process runs (then cleared): a
   * stand-in for a long log recovery, during which the node serves nothing and its probes fail.
   */
  nextStartDelaySeconds = 0;
  proc: ChildProcess | undefined;
  initPid: number | undefined;
  started = false;
  ready = false;
  running = false;
  gen = 0;
  lastExit = "";
  /** Exit code of the last run (null: killed by a signal or never ended). */
  exitCode: number | null = null;
  logFile = "";
  env = new Map<string, string>();
  private exited: Promise<void> = Promise.resolve();
  constructor(
    readonly pod: Pod,
    readonly spec: Spec,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  ident(): { uid: number; gid: number; groups: number[]; nnp: boolean } {
    const psc = this.pod.spec.securityContext ?? {};
    const csc = this.spec.securityContext ?? {};
    const uid = csc.runAsUser ?? psc.runAsUser ?? IMAGE_UID;
    const gid = csc.runAsGroup ?? psc.runAsGroup ?? IMAGE_GID;
    const groups = [...(psc.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc.supplementalGroups ?? [])];
    if ((csc.runAsNonRoot ?? psc.runAsNonRoot) && uid === 0) throw new EnvNotReady("container has runAsNonRoot and image will run as root");
    return { uid, gid, groups, nnp: csc.allowPrivilegeEscalation === false };
  }

  /** The container's environment, with the one deliberate change: the small heap. */
  buildEnv(): Map<string, string> {
    const pod = this.pod;
    const vars = containerEnv(pod.spec, this.spec, pod.facts(), pod.host.env);
    const out = new Map<string, string>(pod.host.image.env);
    out.set("HOSTNAME", pod.hostname);
    for (const [k, v] of vars) out.set(k, v);
    if (out.has("KAFKA_HEAP_OPTS")) out.set("KAFKA_HEAP_OPTS", HEAP_OPTS);
    if (EXTRA_JVM_OPTS) out.set("KAFKA_OPTS", [out.get("KAFKA_OPTS"), EXTRA_JVM_OPTS].filter(Boolean).join(" "));
    return out;
  }

  argv(env: Map<string, string>): string[] {
    const img = this.pod.host.image;
    const x = (a: string[]) => a.map((s) => expand(String(s), env));
    if (this.spec.command) return [...x(this.spec.command), ...x(this.spec.args ?? [])];
    return [...img.entrypoint, ...(this.spec.args ? x(this.spec.args) : img.cmd)];
  }

  private takeStartDelay(): number {
    const d = this.nextStartDelaySeconds;
    this.nextStartDelaySeconds = 0;
    return d;
  }

  /** Starts the container process; resolves once it runs (its PID 1 is known). */
  async start(): Promise<void> {
    const pod = this.pod;
    const env = this.buildEnv();
    this.env = env;
    const id = this.ident();
    const cdir = join(STATE_DIR, "pods", pod.namespace, pod.name, `${this.name}-${this.restartCount}`);
    mkdirSync(cdir, { recursive: true });
    await must(["cp", "-a", `${pod.host.image.root}/.`, join(cdir, "root")]);
    await must(["chown", "-R", `${IMAGE_UID}:${IMAGE_GID}`, join(cdir, "root")]);
    const envFile = join(cdir, "env");
    writeFileSync(envFile, [...env].map(([k, v]) => `${k}=${v}\0`).join(""));
    const mounts = (this.spec.volumeMounts ?? [])
      .map((m: Spec) => {
        const src = pod.volumeFolder(m.name);
        return `${m.subPath ? join(src, m.subPath) : src}\t${m.mountPath}\t${m.readOnly ? "ro" : "rw"}`;
      })
      .join("\n");
    this.logFile = join(cdir, "log");
    const fd = openSync(this.logFile, "a");
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        pod.slot.netns,
        "unshare",
        "--mount",
        "--uts",
        "--pid",
        "--fork",
        "--mount-proc",
        "--kill-child",
        "--",
        "bash",
        INIT_SCRIPT,
        ...this.argv(env),
      ],
      {
        stdio: ["ignore", fd, fd],
        env: {
          PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          KGO_HOSTNAME: pod.hostname,
          KGO_CDIR: cdir,
          KGO_LIBS: pod.host.libDir ?? "",
          KGO_MOUNTS: mounts,
          KGO_HOSTS: pod.slot.hostsFile,
          KGO_RESOLV: pod.slot.resolvFile,
          KGO_ENVFILE: envFile,
          KGO_WORKDIR: this.spec.workingDir ?? pod.host.image.workdir,
          KGO_UID: String(id.uid),
          KGO_GID: String(id.gid),
          KGO_GROUPS: id.groups.join(","),
          KGO_NNP: id.nnp ? "1" : "",
          KGO_START_DELAY: String(this.takeStartDelay()),
        },
      },
    );
    closeSync(fd);
    this.proc = child;
    this.gen++;
    this.running = true;
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.running = false;
        this.lastExit = signal ? `signal ${signal}` : `exit ${code}`;
        this.exitCode = signal ? null : code;
        resolve();
      });
    });
    const pid = child.pid;
    for (let i = 0; i < 200 && this.running && pid; i++) {
      try {
        const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
        if (kids) {
          this.initPid = Number(kids.split(" ")[0]);
          break;
        }
      } catch {
        break;
      }
      await sleep(10);
    }
    pod.host.log(`${pod.namespace}/${pod.name}: container ${this.name} started (restart ${this.restartCount})`);
  }

  waitExit(): Promise<void> {
    return this.exited;
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      if (this.initPid) process.kill(this.initPid, sig);
      else this.proc?.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }

  /** SIGTERM, then SIGKILL after the grace period, as the kubelet stops a container. */
  async stop(graceSeconds: number): Promise<void> {
    if (!this.running) return;
    this.signal("SIGTERM");
    const done = await Promise.race([this.exited.then(() => true), sleep(graceSeconds * 1000).then(() => false)]);
    if (!done) {
      this.pod.host.log(`${this.pod.namespace}/${this.pod.name}: grace period ${graceSeconds}s over, SIGKILL`);
      this.signal("SIGKILL");
      this.proc?.kill("SIGKILL");
      await this.exited;
    }
  }

  /** argv inside the running container, as `kubectl exec` runs it (same namespaces, user, environment). */
  execArgv(argv: string[]): string[] {
    if (!this.running || !this.initPid) throw new Error(`container ${this.pod.name}/${this.name} is not running`);
    const id = this.ident();
    const groups = id.groups.length ? ["--groups", id.groups.join(",")] : ["--clear-groups"];
    return [
      "nsenter",
      "-t",
      String(this.initPid),
      "-m",
      "-u",
      "-n",
      "-p",
      "--",
      "setpriv",
      "--reuid",
      String(id.uid),
      "--regid",
      String(id.gid),
      ...groups,
      ...(id.nnp ? ["--no-new-privs"] : []),
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--",
      "/usr/bin/env",
      "-i",
      ...[...this.env].map(([k, v]) => `${k}=${v}`),
      ...argv,
    ];
  }

  // ---- probes --------------------------------------------------------------------------------
  private port(p: number | string): number {
    if (typeof p === "number") return p;
    for (const cp of this.spec.ports ?? []) if (cp.name === p) return cp.containerPort;
    throw new Error(`probe port ${p} is not a named port of container ${this.name}`);
  }

  async probeOnce(probe: Spec): Promise<boolean> {
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    if (probe.tcpSocket) {
      const [ok] = await this.pod.host.probe({ kind: "tcp", host: probe.tcpSocket.host ?? this.pod.slot.ip, port: this.port(probe.tcpSocket.port), timeoutMs });
      return ok;
    }
    if (probe.httpGet) {
      if ((probe.httpGet.scheme ?? "HTTP") !== "HTTP") throw new Error("httpGet probes with HTTPS are not reproduced");
      const [ok] = await this.pod.host.probe({
        kind: "http",
        host: probe.httpGet.host ?? this.pod.slot.ip,
        port: this.port(probe.httpGet.port),
        path: probe.httpGet.path ?? "/",
        timeoutMs,
      });
      return ok;
    }
    if (probe.exec) {
      if (!this.running) return false;
      const r = await run(this.execArgv(probe.exec.command), { timeoutMs });
      return r.code === 0;
    }
    throw new Error(`probe kind ${Object.keys(probe).join(",")} is not reproduced (grpc)`);
  }

  /** Runs one probe on its period; calls onResult with the thresholded result. Stops when the container start ends. */
  async probeLoop(probe: Spec, onResult: (ok: boolean) => boolean | void): Promise<void> {
    const gen = this.gen;
    const alive = () => this.gen === gen && this.running && !this.pod.terminating;
    await sleep(scaled(probe.initialDelaySeconds ?? 0));
    let fails = 0;
    let oks = 0;
    while (alive()) {
      const ok = await this.probeOnce(probe).catch(() => false);
      if (!alive()) return;
      if (ok) {
        fails = 0;
        oks++;
        if (oks >= (probe.successThreshold ?? 1) && onResult(true) === true) return;
      } else {
        oks = 0;
        fails++;
        if (fails >= (probe.failureThreshold ?? 3) && onResult(false) === true) return;
      }
      await sleep(scaled(probe.periodSeconds ?? 10));
    }
  }

  /**
   * Start, probe, wait for the end, then as the pod's restartPolicy says: Always restarts after
   * the back-off, OnFailure only after a non-zero exit, Never not at all (the container stays
   * terminated and its log stays readable).
   */
  async supervise(): Promise<void> {
    const pod = this.pod;
    const policy: string = pod.spec.restartPolicy ?? "Always";
    let waitedEnv = false;
    while (!pod.terminating) {
      try {
        await this.start();
      } catch (e) {
        if (!(e instanceof EnvNotReady)) throw e;
        if (!waitedEnv) pod.host.log(`${pod.namespace}/${pod.name}: CreateContainerConfigError: ${e.message}`);
        waitedEnv = true;
        await sleep(scaled(2));
        continue;
      }
      const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
      const afterStart = () => {
        if (this.spec.readinessProbe)
          void this.probeLoop(this.spec.readinessProbe, (ok) => {
            if (this.ready !== ok) {
              this.ready = ok;
              pod.readinessChanged();
            }
          });
        else {
          this.ready = true;
          pod.readinessChanged();
        }
        if (this.spec.livenessProbe)
          void this.probeLoop(this.spec.livenessProbe, (ok) => {
            if (ok) return;
            pod.host.log(`${pod.namespace}/${pod.name}: liveness probe failed, restarting ${this.name}`);
            void this.stop(this.spec.livenessProbe.terminationGracePeriodSeconds ?? grace);
            return true;
          });
      };
      if (this.spec.startupProbe)
        void this.probeLoop(this.spec.startupProbe, (ok) => {
          if (ok) {
            this.started = true;
            afterStart();
          } else {
            pod.host.log(`${pod.namespace}/${pod.name}: startup probe failed, restarting ${this.name}`);
            void this.stop(this.spec.startupProbe.terminationGracePeriodSeconds ?? grace);
          }
          return true;
        });
      else {
        this.started = true;
        afterStart();
      }
      await this.exited;
      this.started = false;
      if (this.ready) {
        this.ready = false;
        pod.readinessChanged();
      }
      pod.host.log(`${pod.namespace}/${pod.name}: container ${this.name} ended (${this.lastExit})`);
      if (pod.terminating) break;
      if (policy === "Never" || (policy === "OnFailure" && this.exitCode === 0)) break;
      this.restartCount++;
      // CrashLoopBackOff: 10 s doubling to 5 min (scaled); the first restart is immediate as in the kubelet.
      const backoff = this.restartCount === 1 ? 0 : Math.min(10 * 2 ** (this.restartCount - 2), 300);
      await sleep(scaled(backoff));
    }
  }
}

export class Pod {
  readonly uid = `e2e-${++uidCounter}`;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: Spec;
  readonly owner: { kind: string; name: string };
  readonly revision: string;
  readonly createdAt = Date.now();
  slot!: NetSlot;
  /** Succeeded/Failed: every container terminated for good (restartPolicy Never or OnFailure). */
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Terminating" | "Gone" = "Pending";
  /** Why the pod is Pending (a missing claim, Secret, ConfigMap or key), as its events say. */
  waiting = "";
  /** When the pod reached Succeeded/Failed (the Job controller's back-off starts there). */
  finishedAt: number | undefined;
  terminating = false;
  readyAt: number | undefined;
  containers: Container[];
  private deleting: Promise<void> | undefined;
  private volumes = new Map<string, string>();

  constructor(
    readonly host: PodHost,
    init: PodInit,
  ) {
    this.name = init.name;
    this.namespace = init.namespace;
    this.labels = init.labels;
    this.annotations = init.annotations;
    this.spec = init.spec;
    this.owner = init.owner;
    this.revision = init.revision;
    this.containers = (init.spec.containers ?? []).map((c: Spec) => new Container(this, c));
  }

  /** The hostname the kubelet sets: spec.hostname, else the pod name (truncated to 63). */
  get hostname(): string {
    return (this.spec.hostname ?? this.name).slice(0, 63);
  }

  /** `<hostname>.<subdomain>.<ns>.svc.cluster.local` when the pod has a subdomain. */
  get fqdn(): string | undefined {
    return this.spec.subdomain ? `${this.hostname}.${this.spec.subdomain}.${this.namespace}.svc.cluster.local` : undefined;
  }

  get ready(): boolean {
    return !this.terminating && this.phase === "Running" && this.containers.every((c) => c.ready);
  }

  /** Ready for at least minReadySeconds (scaled): "available" to a controller. */
  available(minReadySeconds: number): boolean {
    return this.ready && this.readyAt !== undefined && Date.now() - this.readyAt >= scaled(minReadySeconds);
  }

  readinessChanged(): void {
    const r = this.ready;
    if (r && this.readyAt === undefined) this.readyAt = Date.now();
    if (!r) this.readyAt = undefined;
    this.host.changed();
  }

  facts(): PodFacts {
    return {
      name: this.name,
      namespace: this.namespace,
      uid: this.uid,
      ip: this.slot.ip,
      nodeName: "kgo-node",
      serviceAccountName: this.spec.serviceAccountName ?? "default",
      labels: this.labels,
      annotations: this.annotations,
    };
  }

  volumeFolder(name: string): string {
    const f = this.volumes.get(name);
    if (!f) throw new Error(`volume ${name} of pod ${this.name} is not prepared`);
    return f;
  }

  /**
   * The files of a configMap or secret volume (path -> content and mode), or why the kubelet
   * cannot set it up yet (it retries until the object or key exists, unless `optional`).
   */
  projectedFiles(v: Spec): { files: ProjectedFiles; missing?: string } {
    const isSecret = Boolean(v.secret);
    const src = isSecret ? v.secret : v.configMap;
    const name: string = isSecret ? src.secretName : src.name;
    const obj = isSecret ? this.host.env.secret(this.namespace, name) : this.host.env.configMap(this.namespace, name);
    const files: ProjectedFiles = new Map();
    const optional = src.optional === true;
    if (!obj)
      return optional
        ? { files }
        : { files, missing: `MountVolume.SetUp failed for volume "${v.name}" : ${isSecret ? "secret" : "configmap"} "${name}" not found` };
    const data = new Map<string, Buffer>();
    if (isSecret) {
      for (const [k, b64] of Object.entries(obj.data ?? {})) data.set(k, Buffer.from(b64, "base64"));
      // The API server merges stringData into data on write; a rendered Secret may still carry it.
      for (const [k, str] of Object.entries(obj.stringData ?? {})) data.set(k, Buffer.from(str));
    } else {
      for (const [k, str] of Object.entries(obj.data ?? {})) data.set(k, Buffer.from(str));
      for (const [k, b64] of Object.entries((obj as Spec).binaryData ?? {})) data.set(k, Buffer.from(b64 as string, "base64"));
    }
    const dflt: number = src.defaultMode ?? 0o644;
    if (!src.items) {
      for (const [k, d] of data) files.set(k, { data: d, mode: dflt });
      return { files };
    }
    for (const it of src.items as { key: string; path: string; mode?: number }[]) {
      const d = data.get(it.key);
      if (d === undefined) {
        if (optional) continue;
        return {
          files,
          missing: `MountVolume.SetUp failed for volume "${v.name}" : ${isSecret ? "secret" : "configmap"} references non-existent config key: ${it.key}`,
        };
      }
      files.set(it.path, { data: d, mode: it.mode ?? dflt });
    }
    return { files };
  }

  /** Why the pod cannot start yet: claims missing or held by another pod, Secrets/ConfigMaps or their keys missing. */
  private volumesMissing(): string[] {
    const missing: string[] = [];
    for (const v of this.spec.volumes ?? []) {
      if (v.persistentVolumeClaim) {
        const claim = v.persistentVolumeClaim.claimName;
        if (!this.host.claimFolder(this.namespace, claim)) missing.push(`persistentvolumeclaim "${claim}" not found`);
        else if (!this.host.acquireClaim(this.namespace, claim, this)) missing.push(`volume "${claim}" is still attached to another pod`);
      } else if (v.secret || v.configMap) {
        const m = this.projectedFiles(v).missing;
        if (m) missing.push(m);
      }
    }
    return missing;
  }

  /** Pending (ContainerCreating) until every claim, Secret, ConfigMap and listed key exists, then the volumes are set up. */
  private async prepareVolumes(): Promise<void> {
    let said = "";
    for (;;) {
      if (this.terminating) return;
      const missing = this.volumesMissing();
      this.waiting = missing.join("; ");
      if (missing.length === 0) break;
      if (said !== this.waiting) this.host.log(`${this.namespace}/${this.name}: Pending: ${this.waiting}`);
      said = this.waiting;
      await sleep(scaled(1));
    }
    const fsGroup = this.spec.securityContext?.fsGroup;
    for (const v of this.spec.volumes ?? []) {
      let folder: string;
      if (v.persistentVolumeClaim) folder = this.host.claimFolder(this.namespace, v.persistentVolumeClaim.claimName) as string;
      else if (v.emptyDir) folder = join(STATE_DIR, "pods", this.namespace, this.name, "emptydir", v.name);
      else if (v.configMap || v.secret) {
        folder = join(STATE_DIR, "pods", this.namespace, this.name, "projected", v.name);
        writeAtomic(folder, this.projectedFiles(v).files, fsGroup);
      } else throw new Error(`volume type of ${v.name} is not reproduced`);
      mkdirSync(folder, { recursive: true });
      if (fsGroup !== undefined && !v.configMap && !v.secret) await applyFsGroup(folder, fsGroup, this.spec.securityContext?.fsGroupChangePolicy);
      this.volumes.set(v.name, folder);
    }
  }

  /**
   * The kubelet's sync of a running pod's configMap/secret volumes after the object changed: the
   * new content replaces the old atomically (writeAtomic). A deleted object or key leaves the files
   * as they are (the kubelet keeps the last content). Returns the volumes rewritten.
   */
  refreshProjected(kind: "Secret" | "ConfigMap", name: string): string[] {
    if (this.phase !== "Running" || this.terminating) return [];
    const done: string[] = [];
    for (const v of this.spec.volumes ?? []) {
      const refers = kind === "Secret" ? v.secret?.secretName === name : v.configMap?.name === name;
      const folder = this.volumes.get(v.name);
      if (!refers || !folder) continue;
      const { files, missing } = this.projectedFiles(v);
      if (missing) continue;
      writeAtomic(folder, files, this.spec.securityContext?.fsGroup);
      done.push(v.name);
    }
    if (done.length) this.host.log(`${this.namespace}/${this.name}: ${kind} ${name} updated in volume(s) ${done.join(", ")}`);
    return done;
  }

  /** Creates the sandbox and runs the containers until the pod is deleted or (restartPolicy Never/OnFailure) they all ended. */
  async run(): Promise<void> {
    this.slot = await this.host.net.add(this.name.slice(0, 40));
    this.host.changed();
    await this.prepareVolumes();
    if (this.terminating) return;
    this.phase = "Running";
    const policy: string = this.spec.restartPolicy ?? "Always";
    for (const ic of this.spec.initContainers ?? []) {
      const c = new Container(this, ic);
      await c.start();
      await c.waitExit();
      if (c.lastExit === "exit 0") continue;
      if (policy === "Never" && !this.terminating) {
        this.finish("Failed", `init container ${ic.name} failed (${c.lastExit})`);
        return;
      }
      throw new Error(`init container ${ic.name} failed (${c.lastExit}); not reproduced: init retries`);
    }
    await Promise.all(this.containers.map((c) => c.supervise()));
    // Only reached without deletion when no container restarts any more (Never, or OnFailure after exit 0).
    if (this.terminating) return;
    const failed = this.containers.filter((c) => c.exitCode !== 0);
    this.finish(failed.length ? "Failed" : "Succeeded", failed.map((c) => `${c.name}: ${c.lastExit}`).join(", "));
  }

  private finish(phase: "Succeeded" | "Failed", detail: string): void {
    this.phase = phase;
    this.finishedAt = Date.now();
    // The kubelet unmounts a terminated pod's volumes: a ReadWriteOnce claim is free for the next pod.
    this.host.releaseClaims(this);
    this.host.log(`${this.namespace}/${this.name}: ${phase}${detail ? ` (${detail})` : ""}`);
    this.host.changed();
  }

  /** Graceful deletion: out of the endpoints, SIGTERM, SIGKILL after the grace period, sandbox removed. */
  delete(graceSeconds?: number): Promise<void> {
    if (this.deleting) return this.deleting;
    this.terminating = true;
    this.phase = "Terminating";
    this.readinessChanged();
    const grace = graceSeconds ?? this.spec.terminationGracePeriodSeconds ?? 30;
    this.deleting = (async () => {
      await Promise.all(this.containers.map((c) => c.stop(grace)));
      this.host.releaseClaims(this);
      if (this.slot) await this.host.net.remove(this.slot);
      this.phase = "Gone";
      this.host.log(`${this.namespace}/${this.name}: deleted`);
      this.host.changed();
    })();
    return this.deleting;
  }
}

export type ProjectedFiles = Map<string, { data: Buffer; mode: number }>;

/**
 * The kubelet's atomic writer for configMap/secret volumes: the files live in a timestamped folder
 * `..<time>.<random>`, `..data` is a symlink to it, and each visible name is a symlink `name ->
 * ..data/name`. An update writes a new timestamped folder, points a temporary link at it and renames
 * that over `..data` (one atomic step), then fixes the visible links and removes the old folder, so a
 * reader sees all-old or all-new files and a path stays valid across updates. Files are owned by
 * root; with an fsGroup they are group-owned by it and group-readable (the kubelet ORs 0440 into the
 * mode of a read-only volume's files).
 */
export function writeAtomic(dir: string, files: ProjectedFiles, fsGroup?: number): void {
  mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, "0");
  const stamp = `..${d.getUTCFullYear()}_${p2(d.getUTCMonth() + 1)}_${p2(d.getUTCDate())}_${p2(d.getUTCHours())}_${p2(d.getUTCMinutes())}_${p2(d.getUTCSeconds())}.`;
  const ts = mkdtempSync(join(dir, stamp));
  chmodSync(ts, 0o755);
  for (const [path, f] of files) {
    const target = join(ts, path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(target, f.data);
    const mode = fsGroup !== undefined ? f.mode | 0o440 : f.mode;
    if (asRoot) chownSync(target, 0, fsGroup ?? 0);
    chmodSync(target, mode);
  }
  const dataLink = join(dir, "..data");
  const old = existsSync(dataLink) || isLink(dataLink) ? readlinkSync(dataLink) : undefined;
  const tmp = join(dir, "..data_tmp");
  rmSync(tmp, { force: true });
  symlinkSync(basename(ts), tmp);
  renameSync(tmp, dataLink);
  const visible = new Set([...files.keys()].map((p) => p.split("/")[0] as string));
  for (const name of visible) if (!isLink(join(dir, name))) symlinkSync(join("..data", name), join(dir, name));
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith("..") || visible.has(entry)) continue;
    // A key removed from the object: its visible link goes too.
    if (isLink(join(dir, entry))) unlinkSync(join(dir, entry));
  }
  if (old && old !== basename(ts)) rmSync(join(dir, old), { recursive: true, force: true });
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The kubelet's fsGroup handling: group-owned by fsGroup, group rw, setgid dirs; OnRootMismatch skips a matching root. */
async function applyFsGroup(folder: string, gid: number, policy: string | undefined): Promise<void> {
  const st = statSync(folder);
  if (policy === "OnRootMismatch" && st.gid === gid && (st.mode & 0o2070) === 0o2070) return;
  await must(["chgrp", "-R", String(gid), folder]);
  await must(["chmod", "-R", "g+rwX", folder]);
  await must(["find", folder, "-type", "d", "-exec", "chmod", "g+s", "{}", "+"]);
}

export type { RunResult };
