// load: file -> text -> YAML data -> validated Config. Reading the file is the
// only I/O; parseConfig is pure so tests feed it strings.
import { readFile } from "node:fs/promises";
import { ConfigError } from "../errors.js";
import { parseYaml } from "../yaml-format.js";
import type { Config } from "./schema.js";
import { validateConfig } from "./validate.js";

export function parseConfig(text: string, file: string): Config {
  if (text.trim() === "")
    throw new ConfigError(file, [{ path: [], message: "the config file is empty; it needs at least repo.url and environments (see README.md, Config reference)" }]);
  const yaml = parseYaml(text);
  if (!yaml.ok) throw new ConfigError(file, yaml.problems.map((p) => ({ path: [], message: `YAML syntax error: ${p.message}`, line: p.line, column: p.column })));
  const result = validateConfig(yaml.value);
  if (!result.ok) throw new ConfigError(file, result.problems);
  return result.config;
}

export async function loadConfig(file: string): Promise<{ config: Config; text: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "not found" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(file, [{ path: [], message: `the config file ${why}; create it (see README.md) or pass --config FILE` }]);
  }
  return { config: parseConfig(text, file), text };
}
