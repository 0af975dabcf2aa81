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

export function renderTree(model: Model): FileTree {
  const files: Array<[string, string]> = [
    ...renderBase(model),
    ...model.environments.flatMap((em) => renderOverlay(model, em)),
    ...model.environments.map((em) => renderEnvironmentReadme(model, em)),
    ...renderClusters(model),
    [SCHEMA_FILE, renderJsonSchema()],
  ];
  const rootsUsed = new Set(files.map(([p]) => p.split("/")[0]!));
  for (const root of GENERATED_ROOTS)
    if (rootsUsed.has(root)) files.push([`${root}/.gitattributes`, hashCommentFile(["* linguist-generated=true"], ["Collapses generated files in pull-request diffs."])]);
  return fileTree(files);
}

/** The editor schema of kafka-gitops.yaml, from the same zod schema that validates it. */
export function renderJsonSchema(): string {
  return jsonFile(z.toJSONSchema(configInput, { io: "input" }) as Record<string, unknown>);
}
