// The kubelet's prober for tcpSocket and httpGet probes. It runs inside the `kgo-node` network
// namespace, so probes reach the pod's IP from the node's address, as in Kubernetes.
// Protocol: one JSON request per stdin line, one JSON answer per stdout line.
import { connect } from "node:net";
import { request } from "node:http";
import { createInterface } from "node:readline";

interface Req {
  id: number;
  kind: "tcp" | "http";
  host: string;
  port: number;
  path?: string;
  timeoutMs: number;
  headers?: Record<string, string>;
}

function tcp(r: Req): Promise<[boolean, string]> {
  return new Promise((resolve) => {
    const s = connect({ host: r.host, port: r.port });
    const t = setTimeout(() => {
      s.destroy();
      resolve([false, "timeout"]);
    }, r.timeoutMs);
    s.on("connect", () => {
      clearTimeout(t);
      s.destroy();
      resolve([true, "connected"]);
    });
    s.on("error", (e) => {
      clearTimeout(t);
      resolve([false, e.message]);
    });
  });
}

function http(r: Req): Promise<[boolean, string]> {
  return new Promise((resolve) => {
    const q = request({ host: r.host, port: r.port, path: r.path ?? "/", headers: r.headers, timeout: r.timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve([code >= 200 && code < 400, `HTTP ${code}`]);
    });
    q.on("timeout", () => {
      q.destroy();
      resolve([false, "timeout"]);
    });
    q.on("error", (e) => resolve([false, e.message]));
    q.end();
  });
}

const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const r = JSON.parse(line) as Req;
  void (r.kind === "tcp" ? tcp(r) : http(r)).then(([ok, detail]) => process.stdout.write(JSON.stringify({ id: r.id, ok, detail }) + "\n"));
});
rl.on("close", () => process.exit(0));
