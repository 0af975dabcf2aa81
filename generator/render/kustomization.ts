// Kustomization documents. Only Kustomize v5 fields: labels, patches, replicas,
// images, configMapGenerator; never the deprecated commonLabels/patchesStrategicMerge/vars/bases.
import type { ImageRef } from "../model/model.js";

export const KUSTOMIZATION = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" } as const;
export const COMPONENT = { apiVersion: "kustomize.config.k8s.io/v1alpha1", kind: "Component" } as const;

/** An `images:` entry that pins `from` to `to` (tag or digest, and a new name when a mirror is used). */
export function imageEntry(from: string, to: ImageRef): Record<string, string> {
  return {
    name: from,
    ...(to.name !== from && { newName: to.name }),
    ...(to.tag !== undefined && { newTag: to.tag }),
    ...(to.digest !== undefined && { digest: to.digest }),
  };
}
