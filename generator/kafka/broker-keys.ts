// Kafka's own broker configuration keys, per release line, as extracted from
// AbstractKafkaConfig.CONFIG_DEF by scripts/kafka-config-keys/refresh.sh into
// generator/kafka/config-keys/<line>.json. A line's file is read the first time
// a config needs it, and only that line's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { splitImage } from "../config/schema.js";
import { packageRoot } from "../package-root.js";

/** One key as Kafka's ConfigDef defines it. */
export interface KeySpec {
  /** ConfigDef.Type in lower case: boolean, string, int, short, long, double, list, class, password. */
  type: string;
  /** The default as Kafka prints it; absent when the key has none (it must be set), null when it defaults to null. */
  default?: string | null;
  /** Kafka's text of the validator, e.g. "[1,...]" or "[none, gzip, ...]". */
  validator?: string;
  /** Bounds of a Range validator. */
  min?: number;
  max?: number;
  /** Choices of a ValidString (or of each item of a ValidList). */
  in?: string[];
  caseInsensitive?: boolean;
  list?: boolean;
  nonEmpty?: boolean;
  /** Defined by the KRaft controller side (KRaftConfigs, QuorumConfig, MetadataLogConfig). */
  controller?: boolean;
  internal?: boolean;
  /** The topic setting this broker key is the default of (log.retention.ms -> retention.ms). */
  topic?: string;
  /** "topic" when the validator is the topic setting's: the broker key has none of its own. */
  validatorOf?: string;
}

export interface BrokerKeys {
  /** Release line, e.g. "4.3". */
  line: string;
  /** The exact version the data was extracted from, e.g. "4.3.1". */
  kafka: string;
  keys: ReadonlyMap<string, KeySpec>;
}

/** Lines with data, oldest first; refresh.sh writes one file per line. */
export const KEY_LINES = ["4.0", "4.1", "4.2", "4.3"] as const;

const loaded = new Map<string, BrokerKeys>();

export function brokerKeys(line: string): BrokerKeys {
  let keys = loaded.get(line);
  if (!keys) {
    const data = JSON.parse(readFileSync(join(packageRoot(), "generator", "kafka", "config-keys", `${line}.json`), "utf8")) as {
      kafka: string;
      keys: Record<string, KeySpec>;
    };
    // A Map, so a key such as "constructor" is never found on Object.prototype.
    keys = { line, kafka: data.kafka, keys: new Map(Object.entries(data.keys)) };
    loaded.set(line, keys);
  }
  return keys;
}

/**
 * The line whose keys apply to an image: its tag's major.minor when there is
 * data for it. A newer release, a tag without a version or a digest falls back
 * to the newest line; `exact` says so, for the messages.
 */
export function keyLineFor(image: string): { line: string; exact: boolean } {
  const newest = KEY_LINES[KEY_LINES.length - 1]!;
  const version = /^(\d+)\.(\d+)/.exec(splitImage(image).tag ?? "");
  if (!version) return { line: newest, exact: false };
  const line = `${Number(version[1])}.${Number(version[2])}`;
  if ((KEY_LINES as readonly string[]).includes(line)) return { line, exact: true };
  return { line: newest, exact: false };
}
