// How a change reaches the pods: one Kafka node at a time. Argo CD applies the
// objects of one sync wave, waits until they are healthy (a StatefulSet or a
// Deployment is healthy once its rollout is complete and its pods are Ready),
// then applies the next wave. Readiness only starts after the startup probe,
// which passes once the node is back in sync (render/probes.ts), so a wave ends
// when its restarted node has caught up.
import { annotations } from "../layout.js";
import type { NodeGroup } from "../model/model.js";

/** Seconds a pod must stay Ready before its rollout counts as done: a node that fails right after catching up stops the roll. */
export const MIN_READY_SECONDS = 10;

/**
 * StatefulSets: the voters' first (wave 1), then the broker-only nodes (wave 2). Each StatefulSet
 * rolls one pod at a time itself (RollingUpdate), so the two never restart a node at the same time.
 */
export function statefulSetWave(group: NodeGroup): string {
  return group.kind === "broker" ? "2" : "1";
}

/**
 * Deployment per broker: each node is its own Deployment and Kubernetes would restart them all at
 * once (Recreate), so every node gets a wave of its own, voters first (their ids come first).
 */
export function deploymentWave(nodeId: number): string {
  return String(nodeId + 1);
}

export const waveAnnotation = (wave: string) => ({ [annotations.argoSyncWave]: wave });
