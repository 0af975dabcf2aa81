// load: file -> bytes -> UTF-8 text -> YAML data -> validated Config. Reading the
// file is the only I/O; parseConfig is pure so tests feed it strings.
import { open } from "node:fs/promises";
import { ConfigError } from "../errors.js";
import { parseYaml } from "../yaml-format.js";
import type { Config } from "./schema.js";
import { validateConfig } from "./validate.js";
import { decodeUtf8 } from "./utf8.js";

/**
 * Largest config read. A config of 200 environments is about 100 KiB; the YAML
 * library needs seconds per ten megabytes of quoted text, so a bigger file is a
 * mistake (or an attack) and is refused before it is parsed.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export function parseConfig(text: string, file: string): Config {
  if (text.trim() === "")
    throw new ConfigError(file, [
      { path: [], message: "the config file is empty; it needs at least repo.url and environments (see README.md, Config reference)" },
    ]);
  const yaml = parseYaml(text);
  if (!yaml.ok)
    throw new ConfigError(
      file,
      yaml.problems.map((p) => ({ path: [], message: p.message, line: p.line, column: p.column })),
    );
  const result = validateConfig(yaml.value);
  if (!result.ok) throw new ConfigError(file, result.problems);
  return result.config;
}

/** The config's bytes as text; refuses what is not a regular file, too large, or not UTF-8. */
export function configText(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_CONFIG_BYTES) throw new ConfigError(file, [{ path: [], message: tooLarge(bytes.length) }]);
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok)
    throw new ConfigError(file, [
      {
        path: [],
        line: decoded.line,
        column: decoded.column,
        message: `the config is not valid UTF-8 (byte ${decoded.bytes} at byte offset ${decoded.offset}${decoded.hint}); save it as UTF-8`,
      },
    ]);
  return decoded.text;
}

function tooLarge(size: number): string {
  return `the config file has ${size} bytes, more than the limit of ${MAX_CONFIG_BYTES / 1024 / 1024} MiB (a config of 200 environments is about 100 KiB); check that this is the right file`;
}

export async function loadConfig(file: string): Promise<{ config: Config; text: string }> {
  let bytes: Uint8Array;
  try {
    const handle = await open(file, "r");
    try {
      const stat = await handle.stat();
      // A FIFO or a device (/dev/zero) would block or never end; a directory cannot be read.
      if (stat.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
      if (!stat.isFile()) throw Object.assign(new Error("not a file"), { code: "ENOTFILE" });
      if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError(file, [{ path: [], message: tooLarge(stat.size) }]);
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "not found"
        : code === "EISDIR"
          ? "is a directory"
          : code === "ENOTFILE"
            ? "is not a regular file"
            : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(file, [{ path: [], message: `the config file ${why}; create it (see README.md) or pass --config FILE` }]);
  }
  const text = configText(bytes, file);
  return { config: parseConfig(text, file), text };
}
