// yaml-format remembers the YAML texts it wrote, so reading them back skips the
// parser. These tests prove the shortcut answers exactly what parsing answers.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseYamlDocuments, parseYamlDocumentsOf, toYamlDocuments } from "../generator/yaml-format.js";
import { fleetConfigText } from "../bench/fleet.js";
import { FIXTURES } from "./support/paths.js";
import { renderText } from "./support/render.js";

const configs = async () => [
  ...(await Promise.all((await readdir(FIXTURES)).sort().map((f) => readFile(join(FIXTURES, f, "kafka-gitops.yaml"), "utf8")))),
  fleetConfigText(12),
];

test("every rendered YAML file reads back as the parser reads it", async (t) => {
  let files = 0;
  for (const config of await configs()) {
    for (const [path, text] of renderText(config).tree) {
      if (!path.endsWith(".yaml")) continue;
      t.deepEqual(parseYamlDocuments(text), parseYamlDocumentsOf(text), path);
      files++;
    }
  }
  t.true(files > 100);
});

test("values that YAML 1.2 reads as another type are parsed, not remembered", (t) => {
  // Written as YAML 1.1, 0o17 is a plain string; read as YAML 1.2 it is the number 15, and a key "0x10" the key "16".
  for (const value of [{ mode: "0o17" }, { "0x10": "a" }, { list: ["a", undefined] }]) {
    const text = toYamlDocuments([value]);
    t.deepEqual(parseYamlDocuments(`# header\n${text}`), parseYamlDocumentsOf(text));
  }
  t.deepEqual(parseYamlDocuments(toYamlDocuments([{ mode: "0o17" }])), [{ mode: 15 }]);
});

test("a caller that changes what it read does not change the next answer", (t) => {
  const text = toYamlDocuments([{ kind: "ConfigMap", data: { a: "1" } }, null]);
  const first = parseYamlDocuments(text) as Array<{ data: Record<string, string> }>;
  first[0]!.data["a"] = "changed";
  t.deepEqual(parseYamlDocuments(text), [{ kind: "ConfigMap", data: { a: "1" } }]);
});
