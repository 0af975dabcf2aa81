// A large fleet: many environments of the deployment-per-broker workload (the one
// with the most files), for the tests of limits that only large trees reach.
import { config } from "./configs.js";

export function fleetConfig(environments = 200, brokers = 3): string {
  const envs: Record<string, string> = {};
  for (let i = 0; i < environments; i++) envs[`env-${String(i).padStart(3, "0")}`] = `{brokers: ${brokers}}`;
  return config(envs, "{workload: deployment-per-broker}");
}
