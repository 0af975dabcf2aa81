// yaml-format's two shortcuts: it writes plain documents without building the
// library's node tree, and it remembers the texts it wrote so reading them back
// skips the parser. These tests prove both give exactly what the library gives.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseYamlDocuments, parseYamlDocumentsOf, toYaml, toYamlDocuments, toYamlWithLibrary } from "../generator/yaml-format.js";
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

test("the fast writer writes what the library writes, for every rendered document", async (t) => {
  let docs = 0;
  for (const config of await configs()) {
    for (const [path, text] of renderText(config).tree) {
      if (!path.endsWith(".yaml")) continue;
      for (const doc of parseYamlDocumentsOf(text)) {
        t.is(toYaml(doc), toYamlWithLibrary(doc), path);
        docs++;
      }
    }
  }
  t.true(docs > 100);
});

test("the fast writer writes what the library writes, for values that need quoting, blocks or the library itself", (t) => {
  const values: unknown[] = [
    {},
    [],
    { a: {}, b: [], c: [{ x: 1, y: { z: [1] } }, [1, 2], {}, [], null], d: { e: null, f: undefined }, g: { only: undefined } },
    { yes: "no", on: "off", y: "n", "~": "~", "": "", "a: b": "c: d", "#x": "#y", "-": "- x", "? q": "?", "[a]": "{b}", "*x": "&y", "!t": "|p", ">f": "%d" },
    { n: -0, f: 0.5, big: 1e21, neg: -3, inf: Infinity, nan: NaN, t: true, fl: false, s1: "1", s2: "0o17", s3: "1e5", s4: "2001-12-14", s5: "12:30:00" },
    { quote: 'say "hi"', single: "it's", both: `'"`, tab: "a\tb", trail: "x ", lead: " x", unicode: "naïve ☃", ctrl: "a\u0001b", long: "w ".repeat(300) },
    { a: { b: { k: "x\ny\n\nz\n" } }, c: "one\ntwo", d: " lead\nx", e: "keep\n\n\n", f: "\n", g: "a\r\nb" },
    { list: [{ k: "l1\nl2" }], seq: ["multi\nline"], nested: [[["deep"]]] },
    { "multi\nline key": 1 },
    { ["k".repeat(2000)]: 1 },
    [{ a: 1 }, "x", ["y"], { b: [{ c: { d: "e" } }] }],
    { date: new Date(0) },
    { map: new Map([["a", 1]]) },
  ];
  for (const value of values) t.is(toYaml(value), toYamlWithLibrary(value), JSON.stringify(value)?.slice(0, 80));
});
