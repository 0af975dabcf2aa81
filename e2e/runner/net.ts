// Network namespaces on one bridge, the way a CNI plugin gives every pod its own IP.
// The bridge lives in its own namespace (`kgo-node`, the "node"): nothing is added to the
// host's network namespace, and no namespace has a default route, so no packet can leave.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { must, run } from "./sh.js";

export const PREFIX = "kgo-";
export const NODE_NS = "kgo-node";
export const BRIDGE = "kgo-br0";
/** The "kubelet" address: probes come from here, as they come from the node in Kubernetes. */
export const NODE_IP = "10.250.0.1";
export const STATE_DIR = process.env.KGO_E2E_STATE ?? "/tmp/kgo-e2e";

export interface NetSlot {
  netns: string;
  ip: string;
  veth: string;
  hostsFile: string;
  resolvFile: string;
}

export class Network {
  private next = 10;

  async up(): Promise<void> {
    await must(["ip", "netns", "add", NODE_NS]);
    await must(["ip", "-n", NODE_NS, "link", "set", "lo", "up"]);
    await must(["ip", "-n", NODE_NS, "link", "add", BRIDGE, "type", "bridge"]);
    await must(["ip", "-n", NODE_NS, "addr", "add", `${NODE_IP}/16`, "dev", BRIDGE]);
    await must(["ip", "-n", NODE_NS, "link", "set", BRIDGE, "up"]);
    mkdirSync(join(STATE_DIR, "net"), { recursive: true });
  }

  /** A new namespace with the next free address (a new pod gets a new IP, as with a CNI). */
  async add(label: string, opts: { etcNetns?: boolean } = {}): Promise<NetSlot> {
    const n = this.next++;
    if (n > 65000) throw new Error("out of pod addresses");
    const ip = `10.250.${1 + Math.floor(n / 250)}.${n % 250}`;
    const netns = `${PREFIX}${n}-${label}`.slice(0, 60);
    const veth = `kgv${n}`;
    await must(["ip", "netns", "add", netns]);
    await must(["ip", "-n", NODE_NS, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns]);
    await must(["ip", "-n", NODE_NS, "link", "set", veth, "master", BRIDGE, "up"]);
    await must(["ip", "-n", netns, "addr", "add", `${ip}/16`, "dev", "eth0"]);
    await must(["ip", "-n", netns, "link", "set", "eth0", "up"]);
    await must(["ip", "-n", netns, "link", "set", "lo", "up"]);
    // A client's files sit where `ip netns exec` bind-mounts them, so a person can use the namespace too (--keep).
    const dir = opts.etcNetns ? join("/etc/netns", netns) : join(STATE_DIR, "net", netns);
    mkdirSync(dir, { recursive: true });
    const hostsFile = join(dir, "hosts");
    const resolvFile = join(dir, "resolv.conf");
    writeFileSync(hostsFile, "127.0.0.1\tlocalhost\n");
    // No nameserver: every name comes from the hosts file, nothing reaches a real DNS server.
    writeFileSync(resolvFile, "# kafka-gitops e2e: names come from /etc/hosts only\noptions ndots:5\n");
    return { netns, ip, veth, hostsFile, resolvFile };
  }

  async remove(slot: NetSlot): Promise<void> {
    await run(["ip", "-n", NODE_NS, "link", "del", slot.veth]);
    await run(["ip", "netns", "del", slot.netns]);
    rmSync(join(STATE_DIR, "net", slot.netns), { recursive: true, force: true });
    rmSync(join("/etc/netns", slot.netns), { recursive: true, force: true });
  }
}

/** Namespaces and bridge a previous run left behind. */
export async function leftovers(): Promise<string[]> {
  const out: string[] = [];
  const ns = await run(["ip", "netns", "list"]);
  for (const line of ns.stdout.split("\n")) {
    const name = line.split(" ")[0];
    if (name?.startsWith(PREFIX)) out.push(`netns ${name}`);
  }
  const br = await run(["ip", "link", "show", BRIDGE]);
  if (br.code === 0) out.push(`link ${BRIDGE}`);
  if (existsSync(STATE_DIR)) out.push(`dir ${STATE_DIR}`);
  return out;
}

/** Removes every kgo-* namespace (which ends the processes in them) and the state folder. */
export async function downAll(): Promise<string[]> {
  const removed: string[] = [];
  const ns = await run(["ip", "netns", "list"]);
  const names = ns.stdout
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(PREFIX));
  for (const name of names) {
    const pids = await run(["ip", "netns", "pids", name]);
    for (const p of pids.stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(p), "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
  for (const name of names) {
    await run(["ip", "netns", "del", name]);
    removed.push(`netns ${name}`);
  }
  if (existsSync("/etc/netns")) {
    for (const d of readdirSync("/etc/netns").filter((n) => n.startsWith(PREFIX))) {
      rmSync(join("/etc/netns", d), { recursive: true, force: true });
      removed.push(`dir /etc/netns/${d}`);
    }
  }
  if ((await run(["ip", "link", "show", BRIDGE])).code === 0) {
    await run(["ip", "link", "del", BRIDGE]);
    removed.push(`link ${BRIDGE}`);
  }
  if (existsSync(STATE_DIR)) {
    // Mounts live only in the containers' private mount namespaces, so the folder is plain files.
    rmSync(STATE_DIR, { recursive: true, force: true });
    removed.push(`dir ${STATE_DIR}`);
  }
  return removed;
}

export function netnsDirs(): string[] {
  return existsSync(join(STATE_DIR, "net")) ? readdirSync(join(STATE_DIR, "net")) : [];
}
