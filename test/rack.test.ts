// Rack awareness: rack.zones pins each deployment-per-broker node to a zone and
// sets its broker.rack; bad combinations are refused, and so is a change that
// moves a running node (and its zonal volume) to another zone.
import test from "ava";
import { parseConfig } from "../generator/config/load.js";
import { ConfigError, formatProblem } from "../generator/errors.js";
import { refusals } from "../generator/guards.js";
import { statesFromModel } from "../generator/model/state.js";
import { riskWarnings } from "../generator/review/risks.js";
import { environmentStates } from "../generator/review/state.js";
import { parseYamlDocuments } from "../generator/yaml-format.js";
import { renderText } from "./support/render.js";

const REPO = "repo: {url: https://github.com/acme/k.git}\nkafka: {workload: deployment-per-broker}\nenvironments:\n";
const ZONES = "rack: {zones: [a, b, c]}";

function problems(envs: string, repo = REPO): string[] {
  try {
    parseConfig(repo + envs, "kafka-gitops.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

type Obj = Record<string, any>;

/** Per node file of `env`: the zone its required node affinity names (key=value) and its KAFKA_BROKER_RACK. */
function placement(envs: string, env: string): Record<string, { zone?: string; rack?: string }> {
  const { tree } = renderText(REPO + envs);
  const out: Record<string, { zone?: string; rack?: string }> = {};
  for (const [path, text] of tree) {
    const m = new RegExp(`^overlays/${env}/brokers/(.*)\\.yaml$`).exec(path);
    if (!m) continue;
    const deployment = (parseYamlDocuments(text) as Obj[]).find((o) => o["kind"] === "Deployment")!;
    const spec = deployment["spec"]["template"]["spec"];
    const e = spec["affinity"]?.["nodeAffinity"]?.["requiredDuringSchedulingIgnoredDuringExecution"]?.["nodeSelectorTerms"]?.[0]?.["matchExpressions"]?.[0];
    const rack = (spec["containers"][0]["env"] as Obj[]).find((v) => v["name"] === "KAFKA_BROKER_RACK")?.["value"];
    out[m[1]!] = { ...(e && { zone: `${e["key"]}=${e["values"].join(",")}` }), ...(rack !== undefined && { rack }) };
  }
  return out;
}

test("combined nodes run in zones[i mod n], each broker's broker.rack is its zone", (t) => {
  t.deepEqual(placement(`  prod: {brokers: 4, ${ZONES}}\n`, "prod"), {
    "kafka-0": { zone: "topology.kubernetes.io/zone=a", rack: "a" },
    "kafka-1": { zone: "topology.kubernetes.io/zone=b", rack: "b" },
    "kafka-2": { zone: "topology.kubernetes.io/zone=c", rack: "c" },
    "kafka-broker-3": { zone: "topology.kubernetes.io/zone=a", rack: "a" },
  });
});

test("dedicated: controllers and brokers spread by their own index; controllers get no broker.rack", (t) => {
  t.deepEqual(placement("  prod: {topology: dedicated, brokers: 2, rack: {topologyKey: example.com/room, zones: [x, y]}}\n", "prod"), {
    "kafka-controller-0": { zone: "example.com/room=x" },
    "kafka-controller-1": { zone: "example.com/room=y" },
    "kafka-controller-2": { zone: "example.com/room=x" },
    "kafka-broker-3": { zone: "example.com/room=x", rack: "x" },
    "kafka-broker-4": { zone: "example.com/room=y", rack: "y" },
  });
});

test("without rack nothing is pinned and no broker.rack is set", (t) => {
  t.deepEqual(placement("  prod: {brokers: 3}\n", "prod"), { "kafka-0": {}, "kafka-1": {}, "kafka-2": {} });
});

test("rack is refused with a StatefulSet, with nodes, with repeated zones and with a user broker.rack, all at once (schema problems first)", (t) => {
  t.deepEqual(
    problems(
      `  a: {workload: statefulset, brokers: 3, ${ZONES}}\n` +
        `  b: {brokers: 3, nodes: [w1, w2, w3], ${ZONES}}\n` +
        "  c: {brokers: 3, rack: {zones: [a, b, a, b]}}\n" +
        `  d: {brokers: 3, ${ZONES}, config: {broker.rack: a}}\n`,
    ),
    [
      "environments.c.rack.zones: lists a, b more than once; give each zone once (node i runs in zones[i mod n])",
      "environments.a.rack: needs workload: deployment-per-broker: a StatefulSet's pods share one template, so none can be pinned to its own zone, and reading the node's zone label at start would need a ClusterRole on nodes that the AppProject does not grant; set environments.a.workload: deployment-per-broker or remove rack",
      "environments.b.rack: cannot be combined with nodes: a pinned host already decides the zone, and the two could disagree; remove nodes (rack places each node in its zone) or remove rack",
      `environments.d.config["broker.rack"]: is set per broker from environments.d.rack.zones (each broker's zone); remove it`,
    ],
  );
});

test("rack needs 2 zones that are label values, and a label key", (t) => {
  t.deepEqual(problems("  a: {rack: {zones: [a]}}\n  b: {rack: {topologyKey: 'bad key', zones: ['-x', y]}}\n  c: {rack: {}}\n"), [
    "environments.a.rack.zones: must list at least 2 zones (one zone is no rack awareness)",
    "environments.b.rack.topologyKey: must be a node label key such as topology.kubernetes.io/zone (an optional DNS prefix and '/', then a name of at most 63 characters)",
    "environments.b.rack.zones[0]: must be a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    "environments.c.rack.zones: is required (a list)",
  ]);
});

test("rack resolves with the default topology key", (t) => {
  const env = parseConfig(REPO + "  prod: {brokers: 3, rack: {zones: [a, b]}}\n", "kafka-gitops.yaml").environments[0]!;
  t.deepEqual(env.rack, { topologyKey: "topology.kubernetes.io/zone", zones: ["a", "b"] });
});

/** Committed side parsed from rendered files, new side from the model: as the scaffold's guards compare them. */
function refused(before: string, after: string, allowStorageChange: string[] = []): { refused: string[]; warnings: string[] } {
  const ws = riskWarnings(environmentStates(renderText(REPO + before).tree), statesFromModel(renderText(REPO + after).model));
  return {
    refused: refusals(ws, { allowScaleDown: false, allowRemove: [], allowStorageChange }).map(formatProblem),
    warnings: ws.map((w) => `${w.kind}: ${w.message}`),
  };
}

test("a zone change that moves a running node is refused unless --allow-storage-change", (t) => {
  const r = refused(`  prod: {brokers: 6, ${ZONES}}\n`, "  prod: {brokers: 6, rack: {zones: [a, b, c, d]}}\n");
  t.is(r.refused.length, 1, r.refused.join("\n"));
  t.regex(
    r.refused[0]!,
    /^environments\.prod\.rack\.zones: refused: nodes move to another zone \(node 3: topology\.kubernetes\.io\/zone=a -> topology\.kubernetes\.io\/zone=d, node 4: .*=b -> .*=a, node 5: .*=c -> .*=b\): a volume is zonal.* pass --allow-storage-change prod\.$/,
  );
  t.deepEqual(refused(`  prod: {brokers: 6, ${ZONES}}\n`, "  prod: {brokers: 6, rack: {zones: [a, b, c, d]}}\n", ["prod"]).refused, []);
  // Another label key for the same values is a move too: the zones may be other ones.
  t.is(refused(`  prod: {brokers: 3, ${ZONES}}\n`, "  prod: {brokers: 3, rack: {topologyKey: example.com/zone, zones: [a, b, c]}}\n").refused.length, 1);
});

test("appending a zone that only places new nodes, adding brokers and removing rack are not refused", (t) => {
  t.deepEqual(refused(`  prod: {brokers: 3, ${ZONES}}\n`, "  prod: {brokers: 4, rack: {zones: [a, b, c, d]}}\n").refused, []);
  t.deepEqual(refused(`  prod: {brokers: 3, ${ZONES}}\n`, `  prod: {brokers: 5, ${ZONES}}\n`).refused, []);
  t.deepEqual(refused(`  prod: {brokers: 3, ${ZONES}}\n`, "  prod: {brokers: 3}\n").refused, []);
});

test("pinning running nodes to zones for the first time is a warning, not a refusal", (t) => {
  const r = refused("  prod: {brokers: 3}\n", `  prod: {brokers: 3, ${ZONES}}\n`);
  t.deepEqual(r.refused, []);
  t.true(
    r.warnings.some((w) => w.startsWith("zone-pinned: prod: running nodes get pinned to zones (node 0: topology.kubernetes.io/zone=a, node 1:")),
    r.warnings.join("\n"),
  );
});
