// render: Model -> FileTree. Pure: the same model always gives the same bytes.
import * as z from "zod";
import { GENERATED_ROOTS, SCHEMA_FILE } from "../layout.js";
import { configInput } from "../config/schema.js";
import type { Model } from "../model/model.js";
import { renderClusters } from "./argocd.js";
import { renderBase } from "./base.js";
import { hashCommentFile, jsonFile } from "./files.js";
import { renderOverlay } from "./overlay.js";
import { renderEnvironmentReadme } from "./readme.js";
import { fileTree, type FileTree } from "./tree.js";

/** What the render needs to know about the repository it writes into; the defaults render for a repository root with no local/ folders. */
export interface RenderOptions {
  /** Path of the target directory inside its git repository, "" or ending in "/" (e.g. "platform/kafka/"): Argo CD reads paths from the repository root. */
  repoPath?: string;
  /** Environments whose overlays/<env>/local/ holds a kustomization: their overlay includes it. */
  localOverlays?: ReadonlySet<string>;
  /** --allow-remove-user: SCRAM users whose credentials the users Job of every secured environment that no longer lists them deletes. */
  removeUsers?: readonly string[];
}

export function renderTree(model: Model, opts: RenderOptions = {}): FileTree {
  const files: Array<[string, string]> = [
    ...renderBase(model),
    ...model.environments.flatMap((em) =>
      renderOverlay(
        model,
        em,
        opts.localOverlays?.has(em.env.name) ?? false,
        (opts.removeUsers ?? []).filter((u) => em.security?.clients === "scram" && !em.security.users.some((x) => x.name === u)),
      ),
    ),
    ...model.environments.map((em) => renderEnvironmentReadme(model, em)),
    ...renderClusters(model, opts.repoPath ?? ""),
    [SCHEMA_FILE, renderJsonSchema()],
  ];
  const rootsUsed = new Set(files.map(([p]) => p.split("/")[0]!));
  for (const root of GENERATED_ROOTS) if (rootsUsed.has(root)) files.push([`${root}/.gitattributes`, gitattributes(root)]);
  return fileTree(files);
}

function gitattributes(root: string): string {
  const lines = ["* linguist-generated=true", ...(root === "overlays" ? ["*/local/** -linguist-generated"] : [])];
  const notes = [
    "Collapses generated files in pull-request diffs.",
    ...(root === "overlays" ? ["Files under overlays/<env>/local/ are the team's own: shown in full."] : []),
  ];
  return hashCommentFile(lines, notes);
}

/** The editor schema of kafka-gitops.yaml, from the same zod schema that validates it. */
export function renderJsonSchema(): string {
  return jsonFile(z.toJSONSchema(configInput, { io: "input" }) as Record<string, unknown>);
}
