// Synthetic fleets for the benchmark: n environments with mixed workloads,
// topologies and sizes, spread over cluster folders of ten environments each,
// so every renderer and every base/ variant is exercised at every size.
import { toYaml } from "../generator/yaml-format.js";

type Env = Record<string, unknown>;

/** The i-th environment of a fleet; four shapes in turn, with sizes and overrides that vary with i. */
function environment(i: number): Env {
  const cluster = `c${String(Math.floor(i / 10)).padStart(2, "0")}`;
  const shape = i % 4;
  const env: Env = { cluster };
  if (shape === 0) Object.assign(env, { brokers: 1, heap: "1g" });
  if (shape === 1)
    Object.assign(env, {
      brokers: 3 + (i % 3),
      storage: { size: `${50 + (i % 5) * 10}Gi` },
      resources: { requests: { cpu: "1", memory: "8Gi" }, limits: { memory: "8Gi" } },
      heap: "4g",
      config: { "log.retention.ms": 604800000 + i },
    });
  if (shape === 2) Object.assign(env, { topology: "dedicated", brokers: 3, controllers: 3, spread: "preferred" });
  if (shape === 3) Object.assign(env, { workload: "deployment-per-broker", brokers: 2 + (i % 2), ...(i % 8 === 3 && { image: "apache/kafka:4.2.0" }) });
  return env;
}

export function fleetConfig(size: number, sharedConfig: Record<string, number> = {}): Record<string, unknown> {
  return {
    repo: { url: "https://github.com/acme/kafka-fleet.git", revision: "main" },
    kafka: { name: "kafka", image: "apache/kafka:4.3.1", config: sharedConfig },
    environments: Object.fromEntries(Array.from({ length: size }, (_, i) => [`env-${String(i).padStart(3, "0")}`, environment(i)])),
  };
}

/** The config file text of a fleet; `sharedConfig` goes into kafka.config (a change there touches every environment). */
export function fleetConfigText(size: number, sharedConfig: Record<string, number> = {}): string {
  return toYaml(fleetConfig(size, sharedConfig));
}
