// Values the config accepts although they look like syntax in some generated
// format (quotes, `#`, `:`, `yes`, `|`, backticks, `KEY=value`, leading spaces,
// unicode) are rendered, then read back the way each consumer reads them:
// kafka.env line by line, through the real `kubectl kustomize` into the
// ConfigMap (YAML), into server.properties as the image builds it, and from the
// README's settings table as Markdown. Every value must come back unchanged,
// and no value may add an entry of its own.
import test from "ava";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { envNameFor } from "../generator/kafka-keys.js";
import { kafkaNodes } from "./support/kafka-nodes.js";
import { kustomize, writeTree } from "./support/kustomize.js";
import { REPO } from "./support/invalid-configs.js";
import { renderText } from "./support/render.js";

/** String settings without a validator in Kafka 4.3, so any text is a value Kafka accepts. */
const KEYS = [
  "broker.rack",
  "sasl.kerberos.service.name",
  "sasl.kerberos.kinit.cmd",
  "sasl.oauthbearer.scope",
  "sasl.oauthbearer.expected.issuer",
  "sasl.oauthbearer.sub.claim.name",
  "sasl.oauthbearer.scope.claim.name",
  "sasl.oauthbearer.assertion.claim.aud",
  "sasl.oauthbearer.assertion.claim.iss",
  "sasl.oauthbearer.assertion.claim.sub",
  "ssl.keystore.location",
  "ssl.truststore.location",
  "ssl.keystore.type",
  "ssl.truststore.type",
  "ssl.provider",
  "ssl.principal.mapping.rules",
  "ssl.keymanager.algorithm",
  "ssl.trustmanager.algorithm",
  "ssl.secure.random.implementation",
  "security.providers",
  "sasl.oauthbearer.assertion.file",
  "sasl.oauthbearer.assertion.template.file",
  "remote.log.storage.manager.class.path",
  "remote.log.metadata.manager.class.path",
  "max.connections.per.ip.overrides",
];

const VALUES = [
  `it's "quoted"`,
  "#not a comment",
  "a: b",
  "yes",
  "  leading spaces",
  "trailing spaces  ",
  " both sides ",
  "ünïcödé € 日本 😀",
  "KAFKA_LOG_DIRS=/tmp/evil",
  "a|b||c",
  "`tick` and ``two``",
  "*star* _under_ <b>html</b>",
  "- dash",
  "{braces} [list]",
  "&anchor *alias !tag %percent @at",
  "null",
  "~",
  "0x1F",
  "010",
  "=equals=",
  "---",
  "key=value # not a comment",
  "'single'",
  "[link](http://x)",
  "!important",
];

/** Reads one cell of a GitHub table row: splits on unescaped pipes, then CommonMark's code span rules. */
function markdownCells(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  for (let i = 1; i < row.length - 1; i++) {
    if (row[i] === "\\" && row[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (row[i] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += row[i];
  }
  cells.push(cell.trim());
  return cells.map(codeSpan);
}

function codeSpan(cell: string): string {
  const fence = /^`+/.exec(cell)?.[0];
  if (!fence || !cell.endsWith(fence)) return cell;
  const inner = cell.slice(fence.length, cell.length - fence.length);
  // CommonMark strips one space from each side when both sides have one and the content is not only spaces.
  return inner.length >= 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "" ? inner.slice(1, -1) : inner;
}

test("awkward values come back unchanged from kafka.env, the ConfigMap, server.properties and the README", async (t) => {
  t.is(KEYS.length, VALUES.length);
  const settings = KEYS.map((k, i) => `      ${k}: ${JSON.stringify(VALUES[i])}`).join("\n");
  const { tree } = renderText(`${REPO}environments:\n  dev:\n    config:\n${settings}\n`);
  const expected = new Map(KEYS.map((k, i) => [k, VALUES[i]!]));

  // kafka.env, read the way Kustomize reads an env file: one KEY=VALUE per line, split at the first "=".
  const envEntries = (path: string) => {
    const lines = tree
      .get(path)!
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    const entries = new Map(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    t.is(entries.size, lines.length, `${path}: one entry per line, no key twice`);
    return entries;
  };
  const parsed = envEntries("overlays/dev/kafka.env");
  for (const [key, value] of expected) t.is(parsed.get(envNameFor(key)), value, `kafka.env ${key}`);
  const allEntries = new Set([...envEntries("base/common/kafka.env").keys(), ...parsed.keys()]);

  const dir = await writeTree(tree);
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const objects = await kustomize(join(dir, "overlays", "dev"));
  const configMap = objects.find((o) => o.kind === "ConfigMap");
  for (const [key, value] of expected) t.is(configMap.data[envNameFor(key)], value, `ConfigMap ${key}`);
  t.deepEqual(Object.keys(configMap.data).sort(), [...allEntries].sort(), "the ConfigMap has exactly the entries of the two kafka.env files");

  // server.properties as the image writes it; Kafka itself trims string values, so the trimmed value is the one it uses.
  const [node] = kafkaNodes(objects);
  for (const [key, value] of expected) t.is(node!.properties[key]?.trim(), value.trim(), `server.properties ${key}`);
  t.false(Object.values(node!.properties).includes("/tmp/evil"), "no value became a setting of its own");

  // The README's settings table: every value in its own row and cell, exactly.
  const readme = tree.get("overlays/dev/README.md")!;
  const rows = new Map(
    readme
      .split("\n")
      .filter((l) => l.startsWith("| `"))
      .map(markdownCells)
      .map((cells) => [cells[0]!, cells]),
  );
  for (const [key, value] of expected) {
    const cells = rows.get(key);
    t.is(cells?.length, 3, `README row of ${key} has three cells`);
    t.is(cells?.[1], value, `README ${key}`);
  }
});
