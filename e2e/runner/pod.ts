// One pod as the kubelet runs it: its network namespace, volumes, containers (restartPolicy
// Always, CrashLoopBackOff), probes and their effects, and graceful termination.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

  /** restartPolicy Always: start, probe, wait for the end, back off, start again. */
  async supervise(): Promise<void> {
    const pod = this.pod;
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
  phase: "Pending" | "Running" | "Terminating" | "Gone" = "Pending";
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

  /** Pending until every claim exists and is free (ReadWriteOnce), then the volumes are set up. */
  private async prepareVolumes(): Promise<void> {
    let said = false;
    for (;;) {
      if (this.terminating) return;
      const missing: string[] = [];
      for (const v of this.spec.volumes ?? []) {
        if (!v.persistentVolumeClaim) continue;
        const claim = v.persistentVolumeClaim.claimName;
        if (!this.host.claimFolder(this.namespace, claim)) missing.push(`persistentvolumeclaim "${claim}" not found`);
        else if (!this.host.acquireClaim(this.namespace, claim, this)) missing.push(`volume "${claim}" is still attached to another pod`);
      }
      if (missing.length === 0) break;
      if (!said) this.host.log(`${this.namespace}/${this.name}: Pending: ${missing.join("; ")}`);
      said = true;
      await sleep(scaled(1));
    }
    const fsGroup = this.spec.securityContext?.fsGroup;
    for (const v of this.spec.volumes ?? []) {
      let folder: string;
      if (v.persistentVolumeClaim) folder = this.host.claimFolder(this.namespace, v.persistentVolumeClaim.claimName) as string;
      else if (v.emptyDir) folder = join(STATE_DIR, "pods", this.namespace, this.name, "emptydir", v.name);
      else if (v.configMap || v.secret) {
        folder = join(STATE_DIR, "pods", this.namespace, this.name, "projected", v.name);
        mkdirSync(folder, { recursive: true });
        const obj = v.configMap ? this.host.env.configMap(this.namespace, v.configMap.name) : this.host.env.secret(this.namespace, v.secret.secretName);
        for (const [k, val] of Object.entries(obj?.data ?? {})) writeFileSync(join(folder, k), v.secret ? Buffer.from(val, "base64") : val);
      } else throw new Error(`volume type of ${v.name} is not reproduced`);
      mkdirSync(folder, { recursive: true });
      if (fsGroup !== undefined && !v.configMap && !v.secret) await applyFsGroup(folder, fsGroup, this.spec.securityContext?.fsGroupChangePolicy);
      this.volumes.set(v.name, folder);
    }
  }

  /** Creates the sandbox and runs the containers until the pod is deleted. */
  async run(): Promise<void> {
    this.slot = await this.host.net.add(this.name.slice(0, 40));
    this.host.changed();
    await this.prepareVolumes();
    if (this.terminating) return;
    this.phase = "Running";
    for (const ic of this.spec.initContainers ?? []) {
      const c = new Container(this, ic);
      await c.start();
      await c.waitExit();
      if (c.lastExit !== "exit 0") throw new Error(`init container ${ic.name} failed (${c.lastExit}); not reproduced: init retries`);
    }
    await Promise.all(this.containers.map((c) => c.supervise()));
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

/** The kubelet's fsGroup handling: group-owned by fsGroup, group rw, setgid dirs; OnRootMismatch skips a matching root. */
async function applyFsGroup(folder: string, gid: number, policy: string | undefined): Promise<void> {
  const st = statSync(folder);
  if (policy === "OnRootMismatch" && st.gid === gid && (st.mode & 0o2070) === 0o2070) return;
  await must(["chgrp", "-R", String(gid), folder]);
  await must(["chmod", "-R", "g+rwX", folder]);
  await must(["find", folder, "-type", "d", "-exec", "chmod", "g+s", "{}", "+"]);
}

export type { RunResult };
