// The pure half of `diff`: matching and comparing rendered objects, and the
// report with its byte budget. No kubectl, no git.
import test from "ava";
import { changedFields, compareObjects, parseObjects, stableName, type RenderedObject } from "../generator/review/objects.js";
import { formatReport, type DiffReport, type SectionReport } from "../generator/review/report.js";
import type { Warning } from "../generator/review/risks.js";

const obj = (value: Record<string, any>): RenderedObject => ({
  kind: value["kind"],
  name: value["metadata"].name,
  namespace: value["metadata"].namespace,
  value,
});

const configMap = (hash: string, data: Record<string, string>) =>
  obj({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `kafka-config-${hash}`, namespace: "ns" }, data });

const statefulSet = (name: string, replicas: number, image = "apache/kafka:4.3.1", extra: Record<string, string> = {}) =>
  obj({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: "ns" },
    spec: {
      replicas,
      template: { spec: { containers: [{ name: "kafka", image, env: Object.entries({ A: "1", ...extra }).map(([n, v]) => ({ name: n, value: v })) }] } },
    },
  });

test("kustomize's hash suffix is stripped from ConfigMap and Secret names only", (t) => {
  t.is(stableName("ConfigMap", "kafka-config-k7kgd5g56f"), "kafka-config");
  t.is(stableName("Secret", "creds-t7kmfbf586"), "creds");
  t.is(stableName("StatefulSet", "kafka-k7kgd5g56f"), "kafka-k7kgd5g56f");
  t.is(stableName("ConfigMap", "kafka-config"), "kafka-config", "no suffix, nothing stripped");
  t.is(stableName("ConfigMap", "kafka-config-aaaaaaaaaa"), "kafka-config-aaaaaaaaaa", "'a' never appears in a kustomize hash");
});

test("a config change reads as a changed ConfigMap, not a removal and an addition", (t) => {
  const changes = compareObjects([configMap("k7kgd5g56f", { KEPT: "1", CHANGED: "2" })], [configMap("t7kmfbf586", { KEPT: "1", CHANGED: "3" })]);
  t.deepEqual(changes.added, []);
  t.deepEqual(changes.removed, []);
  t.is(changes.changed.length, 1);
  const c = changes.changed[0]!;
  t.like(c, { kind: "ConfigMap", name: "kafka-config", beforeName: "kafka-config-k7kgd5g56f", afterName: "kafka-config-t7kmfbf586", fields: ["data.CHANGED"] });
  t.regex(c.diff, /^--- a\/ConfigMap\/kafka-config-k7kgd5g56f\n\+\+\+ b\/ConfigMap\/kafka-config-t7kmfbf586\n/);
  t.regex(c.diff, /^-  CHANGED: "2"\n\+  CHANGED: "3"$/m);
  t.notRegex(c.diff, /^[-+]\s+name:/m, "the hash is in the header, not a changed line");
});

test("objects are compared canonically: key order is not a change", (t) => {
  const a = parseObjects("kind: Service\nmetadata: {name: s, namespace: ns}\nspec: {type: ClusterIP, ports: [{port: 1, name: p}]}\n");
  const b = parseObjects("spec:\n  ports:\n    - name: p\n      port: 1\n  type: ClusterIP\nmetadata: {namespace: ns, name: s}\nkind: Service\n");
  t.deepEqual(compareObjects(a, b), { added: [], removed: [], changed: [], unchanged: 1 });
});

test("changed fields name list items by their name; a pod template change restarts pods", (t) => {
  t.deepEqual(changedFields(statefulSet("kafka", 3).value, statefulSet("kafka", 3, "apache/kafka:4.4.0", { B: "2" }).value), [
    "spec.template.spec.containers[kafka].env[B]",
    "spec.template.spec.containers[kafka].image",
  ]);
  const changes = compareObjects(
    [statefulSet("kafka", 3), statefulSet("kafka-broker", 0)],
    [statefulSet("kafka", 3, "apache/kafka:4.4.0"), statefulSet("kafka-broker", 2)],
  );
  t.deepEqual(
    changes.changed.map((c) => [`${c.kind}/${c.name}`, c.fields, c.restartsPods]),
    [
      ["StatefulSet/kafka", ["spec.template.spec.containers[kafka].image"], true],
      ["StatefulSet/kafka-broker", ["spec.replicas"], false],
    ],
  );
  t.deepEqual(changedFields({ metadata: { labels: { "app.kubernetes.io/name": "a" } } }, { metadata: { labels: { "app.kubernetes.io/name": "b" } } }), [
    'metadata.labels["app.kubernetes.io/name"]',
  ]);
});

test("added and removed objects are listed in kind/name order", (t) => {
  const svc = (name: string) => obj({ kind: "Service", metadata: { name, namespace: "ns" } });
  const changes = compareObjects([svc("b"), svc("z")], [svc("b"), svc("a"), statefulSet("kafka", 1)]);
  t.deepEqual(changes.added, [
    { kind: "Service", name: "a" },
    { kind: "StatefulSet", name: "kafka" },
  ]);
  t.deepEqual(changes.removed, [{ kind: "Service", name: "z" }]);
  t.is(changes.unchanged, 1);
});

// A large report: many environments, each with its own big change, one of them risky.
function largeReport(envs: number): DiffReport {
  const sections: SectionReport[] = [];
  for (let i = 0; i < envs; i++) {
    const name = `env${String(i).padStart(2, "0")}`;
    const before = [statefulSet("kafka", 3, "apache/kafka:4.3.1", Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`K${k}`, `${name}-old-${k}`])))];
    const after = [statefulSet("kafka", 3, "apache/kafka:4.3.1", Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`K${k}`, `${name}-new-${k}`])))];
    sections.push({ kind: "environment", name, status: "changed", changes: compareObjects(before, after), errors: [] });
  }
  sections.push({ kind: "environment", name: "quiet", status: "unchanged", changes: { added: [], removed: [], changed: [], unchanged: 0 }, errors: [] });
  const warnings: Warning[] = [
    {
      environment: "env07",
      kind: "storage-shrunk",
      path: ["environments", "env07", "storage", "size"],
      message: "env07: storage per broker decreases from 10Gi to 5Gi",
      advice: "Keep storage.size at 10Gi.",
    },
  ];
  return { from: "HEAD (abc1234)", to: "working tree", warnings, sections };
}

for (const format of ["markdown", "text"] as const) {
  test(`${format}: the output stays within --max-bytes, warnings kept, and says what was cut`, (t) => {
    const report = largeReport(50);
    const full = formatReport(report, { format, maxBytes: 10_000_000 });
    t.true(Buffer.byteLength(full) > 100_000, "the uncut report is large");
    t.notRegex(full, /left out/i);
    let previous = Infinity;
    for (const maxBytes of [60_000, 20_000, 8_000, 3_000, 1_000]) {
      const out = formatReport(report, { format, maxBytes });
      const size = Buffer.byteLength(out);
      t.true(size <= maxBytes, `${size} <= ${maxBytes}`);
      t.true(size <= previous, "a smaller budget never gives a longer output");
      previous = size;
      t.regex(out, /(left out|cut at)/i, `${maxBytes}: says what was cut`);
      if (maxBytes >= 3_000)
        t.true(
          out.includes("env07: storage per broker decreases from 10Gi to 5Gi") || out.includes("**env07**: storage per broker decreases"),
          `${maxBytes}: warning kept`,
        );
      if (format === "markdown") {
        t.is((out.match(/^<details/gm) ?? []).length, (out.match(/^<\/details>/gm) ?? []).length, `${maxBytes}: <details> balanced`);
        t.is((out.match(/^```/gm) ?? []).length % 2, 0, `${maxBytes}: fences balanced`);
      }
    }
    // At the default budget the risky environment's diff survives, other diffs go first, and every changed object is still listed.
    const out = formatReport(report, { format, maxBytes: 60_000 });
    t.regex(out, /env07-new-1\b/);
    t.regex(out, /the diffs of \d+ objects in \d+ sections/);
    for (let i = 0; i < 50; i++) t.true(out.includes(`env${String(i).padStart(2, "0")}`));
    t.is(formatReport(report, { format, maxBytes: 60_000 }), out, "deterministic");
  });
}

test("an identical change in many environments is shown once and referred to", (t) => {
  const sections: SectionReport[] = ["a", "b", "c"].map((name) => ({
    kind: "environment",
    name,
    status: "changed",
    changes: compareObjects([statefulSet("kafka", 3, "apache/kafka:4.3.1", { ID: name })], [statefulSet("kafka", 3, "apache/kafka:4.4.0", { ID: name })]),
    errors: [],
  }));
  const out = formatReport({ from: "HEAD", to: "working tree", warnings: [], sections }, { format: "markdown", maxBytes: 60_000 });
  t.is((out.match(/^```diff$/gm) ?? []).length, 1);
  t.is((out.match(/`StatefulSet\/kafka`: same change as in `a`\./g) ?? []).length, 2);
});

test("no change says so in one line per format", (t) => {
  const sections: SectionReport[] = ["dev", "prod"].map((name) => ({
    kind: "environment",
    name,
    status: "unchanged",
    changes: { added: [], removed: [], changed: [], unchanged: 0 },
    errors: [],
  }));
  const report = { from: "HEAD", to: "working tree", warnings: [], sections };
  t.is(
    formatReport(report, { format: "text", maxBytes: 60_000 }),
    "kafka-gitops diff: HEAD -> working tree\nno changes: 2 sections render the same objects (dev, prod)\n",
  );
  t.regex(formatReport(report, { format: "markdown", maxBytes: 60_000 }), /No changes: 2 sections render the same objects \(`dev`, `prod`\)\.\n$/);
});

test("brokers-added is a note: listed under notes, never counted as a warning", (t) => {
  const sections: SectionReport[] = [
    {
      kind: "environment",
      name: "prod",
      status: "changed",
      changes: compareObjects([statefulSet("kafka", 3)], [statefulSet("kafka", 4)]),
      errors: [],
    },
  ];
  const note: Warning = {
    environment: "prod",
    kind: "brokers-added",
    path: ["environments", "prod", "brokers"],
    message: "prod: 1 broker added (node 3): new brokers get no existing partitions by themselves",
    advice: "once they are up, spread a topic over every broker",
  };
  const report = { from: "HEAD", to: "working tree", warnings: [note], sections };
  const text = formatReport(report, { format: "text", maxBytes: 60_000 });
  t.regex(text, /\nNOTES \(1\):\nnote: prod: 1 broker added \(node 3\).*\n {2}what to do: once they are up, spread a topic over every broker\n/);
  t.notRegex(text, /WARNINGS|warning/);
  const md = formatReport(report, { format: "markdown", maxBytes: 60_000 });
  t.regex(md, /### ℹ️ 1 note\n\n- \*\*prod\*\*: 1 broker added/);
  t.notRegex(md, /⚠️/);
});
