// `kafka-gitops validate`: load and check the config exactly as the scaffold
// does (schema, rules, the model), print every problem or `ok`, write nothing.
import { resolve } from "node:path";
import { configWarnings } from "./config/rules.js";
import { formatProblem } from "./errors.js";
import { CONFIG_FILE } from "./layout.js";
import type { Output } from "./output.js";

export async function runValidate(opts: { dir: string; config?: string }, out: Output): Promise<0 | 1> {
  const file = resolve(opts.dir, opts.config ?? CONFIG_FILE);
  const [{ loadConfig }, { buildModel }] = await Promise.all([import("./config/load.js"), import("./model/model.js")]);
  // A ConfigError (every problem, with its config path) reaches the CLI's catch: printed on stderr, exit 1.
  const { config } = await loadConfig(file);
  buildModel(config);
  const warnings = configWarnings(config);
  for (const w of warnings) out.warn(`warning: ${formatProblem(w)}`);
  const envs = config.environments.length;
  out.info(
    `ok: ${file} (${envs} environment${envs === 1 ? "" : "s"}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : ""})`,
  );
  return 0;
}
