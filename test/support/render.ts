import { parseConfig } from "../../generator/config/load.js";
import { buildModel } from "../../generator/model/model.js";
import { renderTree } from "../../generator/render/render.js";

export function renderText(configText: string) {
  const config = parseConfig(configText, "kafka-gitops.yaml");
  const model = buildModel(config);
  return { config, model, tree: renderTree(model) };
}
