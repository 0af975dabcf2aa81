import { createHash } from "node:crypto";

/**
 * The KRaft cluster id of an environment: 16 bytes written as 22 characters of
 * base64url, like `kafka-storage.sh random-uuid`. It is derived from names that
 * already fix the cluster's identity (kafka.name and the environment name), so
 * every re-generation yields the same id without storing state, and a changed
 * repo URL or namespace never changes it.
 */
export function clusterIdFor(kafkaName: string, environment: string): string {
  return createHash("sha256").update(`kafka-gitops/${kafkaName}/${environment}`).digest().subarray(0, 16).toString("base64url");
}
