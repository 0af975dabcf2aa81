// A container's environment as the kubelet builds it: service links, envFrom, env (in
// that order, later wins), downward-API fieldRefs and `$(VAR)` expansion.
import type { KObject } from "./objects.js";

export interface PodFacts {
  name: string;
  namespace: string;
  uid: string;
  ip: string;
  nodeName: string;
  serviceAccountName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface EnvSources {
  configMap(ns: string, name: string): KObject | undefined;
  secret(ns: string, name: string): KObject | undefined;
  /** Services of the pod's namespace, for `enableServiceLinks`. */
  services(ns: string): KObject[];
  clusterIp(svc: KObject): string | undefined;
}

export class EnvNotReady extends Error {}

function fieldRef(path: string, pod: PodFacts): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === "labels" ? pod.labels : pod.annotations)[m[2] as string] ?? "";
  switch (path) {
    case "metadata.name":
      return pod.name;
    case "metadata.namespace":
      return pod.namespace;
    case "metadata.uid":
      return pod.uid;
    case "status.podIP":
    case "status.podIPs":
      return pod.ip;
    case "status.hostIP":
      return "10.250.0.1";
    case "spec.nodeName":
      return pod.nodeName;
    case "spec.serviceAccountName":
      return pod.serviceAccountName;
  }
  throw new Error(`fieldRef ${path} is not reproduced by the e2e runner`);
}

function decode(o: KObject, k: string): string | undefined {
  if (o.kind === "Secret") {
    if (o.stringData?.[k] !== undefined) return o.stringData[k];
    const b = o.data?.[k];
    return b === undefined ? undefined : Buffer.from(b, "base64").toString();
  }
  return o.data?.[k];
}

/** `$(VAR)` refers to a variable defined earlier; `$$(VAR)` escapes; unknown references stay as written. */
export function expand(value: string, vars: Map<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => {
    if (all === "$$") return "$";
    return name !== undefined && vars.has(name) ? (vars.get(name) as string) : all;
  });
}

/** Docker-link style variables of every Service in the namespace (the kubelet adds them unless enableServiceLinks is false). */
function serviceLinks(pod: PodFacts, src: EnvSources): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of src.services(pod.namespace)) {
    const ip = src.clusterIp(svc);
    if (!ip) continue;
    const n = svc.metadata.name.toUpperCase().replace(/-/g, "_");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ports: any[] = svc.spec?.ports ?? [];
    const first = ports[0];
    out.push([`${n}_SERVICE_HOST`, ip]);
    if (first) out.push([`${n}_SERVICE_PORT`, String(first.port)]);
    for (const p of ports) if (p.name) out.push([`${n}_SERVICE_PORT_${String(p.name).toUpperCase().replace(/-/g, "_")}`, String(p.port)]);
    if (first) out.push([`${n}_PORT`, `tcp://${ip}:${first.port}`]);
    for (const p of ports) {
      const proto = (p.protocol ?? "TCP").toLowerCase();
      const base = `${n}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([base, `${proto}://${ip}:${p.port}`], [`${base}_PROTO`, proto], [`${base}_PORT`, String(p.port)], [`${base}_ADDR`, ip]);
    }
  }
  return out;
}

/**
 * The container's variables in the kubelet's order. Throws EnvNotReady when a referenced
 * ConfigMap/Secret is missing (the kubelet retries: CreateContainerConfigError).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function containerEnv(podSpec: any, container: any, pod: PodFacts, src: EnvSources): Map<string, string> {
  const vars = new Map<string, string>();
  if (podSpec.enableServiceLinks !== false) for (const [k, v] of serviceLinks(pod, src)) vars.set(k, v);
  for (const ef of container.envFrom ?? []) {
    const ref = ef.configMapRef ?? ef.secretRef;
    const obj = ef.configMapRef ? src.configMap(pod.namespace, ref.name) : src.secret(pod.namespace, ref.name);
    if (!obj) {
      if (ref.optional) continue;
      throw new EnvNotReady(`${ef.configMapRef ? "configmap" : "secret"} "${ref.name}" not found`);
    }
    const keys = new Set([...Object.keys(obj.data ?? {}), ...Object.keys(obj.stringData ?? {})]);
    for (const k of keys) vars.set(`${ef.prefix ?? ""}${k}`, decode(obj, k) ?? "");
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined || !e.valueFrom) {
      vars.set(e.name, expand(String(e.value ?? ""), vars));
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) vars.set(e.name, fieldRef(vf.fieldRef.fieldPath, pod));
    else if (vf.configMapKeyRef || vf.secretKeyRef) {
      const ref = vf.configMapKeyRef ?? vf.secretKeyRef;
      const obj = vf.configMapKeyRef ? src.configMap(pod.namespace, ref.name) : src.secret(pod.namespace, ref.name);
      const val = obj ? decode(obj, ref.key) : undefined;
      if (val === undefined) {
        if (ref.optional) continue;
        throw new EnvNotReady(`${vf.configMapKeyRef ? "configmap" : "secret"} "${ref.name}" key "${ref.key}" not found`);
      }
      vars.set(e.name, val);
    } else if (vf.resourceFieldRef) {
      throw new Error("resourceFieldRef is not reproduced by the e2e runner (resources are not)");
    }
  }
  return vars;
}
