// Commit titles say what happened, per environment: a pure function, tested on its own.
import test from "ava";
import { commitMessage, commitTitle, factsOf, type EnvFacts } from "../generator/commit-message.js";
import { config } from "./support/configs.js";
import { renderText } from "./support/render.js";

const facts = (entries: Record<string, EnvFacts>) => new Map(Object.entries(entries));
const env = (brokers: number, extra: EnvFacts = {}): EnvFacts => ({ brokers, image: "apache/kafka:4.3.1", workload: "statefulset", storage: "5Gi", ...extra });
const none = { envs: [], base: false, clusters: [] };

test("add, remove and scale in one title, in that order", (t) => {
  const before = facts({ prod: env(3), qa: env(1) });
  const after = facts({ prod: env(4), "prod-eu": env(3) });
  t.is(commitTitle("kafka", before, after, { ...none, envs: ["prod", "prod-eu", "qa"] }), "kafka: add prod-eu, remove qa, scale prod 3->4");
});

test("image, workload and storage changes are named; other changes say update", (t) => {
  const before = facts({ dev: env(1), stage: env(1), prod: env(3) });
  const after = facts({
    dev: env(1, { image: "apache/kafka:4.3.2" }),
    stage: env(1, { workload: "deployment-per-broker" }),
    prod: env(3, { storage: "10Gi" }),
  });
  t.is(commitTitle("kafka", before, after, { ...none, envs: ["dev", "prod"] }), "kafka: dev image 4.3.1->4.3.2, prod storage 5Gi->10Gi");
  t.is(commitTitle("kafka", before, after, { ...none, envs: ["stage"] }), "kafka: switch stage to deployment-per-broker");
  t.is(commitTitle("kafka", before, before, { ...none, envs: ["dev"] }), "kafka: update dev", "a change the facts do not show");
  t.is(
    commitTitle("kafka", facts({ dev: env(1) }), facts({ dev: env(1, { image: "mirror.example.com/kafka:4.3.1" }) }), { ...none, envs: ["dev"] }),
    "kafka: dev image apache/kafka:4.3.1->mirror.example.com/kafka:4.3.1",
    "another repository: whole references",
  );
});

test("base and clusters only; the kafka name leads the title", (t) => {
  const same = facts({ dev: env(1) });
  t.is(commitTitle("bus", same, same, { ...none, base: true }), "bus: update base");
  t.is(commitTitle("kafka", same, same, { ...none, clusters: ["dev"] }), "kafka: update Argo CD objects of clusters/dev");
  t.is(commitTitle("kafka", same, same, none), "kafka: update generated files");
});

test("a title longer than 72 characters falls back to counts", (t) => {
  const names = Array.from({ length: 12 }, (_, i) => `environment-${i}`);
  const title = commitTitle("kafka", new Map(), facts(Object.fromEntries(names.map((n) => [n, env(1)]))), { ...none, envs: names });
  t.is(title, "kafka: add 12 environments");
  t.true(title.length <= 72);
});

test("the whole message: a first scaffold adds, a later one names the change; the body lists every file", (t) => {
  const first = renderText(config({ dev: "{brokers: 1}", prod: "{brokers: 3}" }));
  const added = [...first.tree.keys()].map((path) => ({ path, kind: "added" as const }));
  const message = commitMessage(first.model, added);
  t.regex(message, /^kafka: add dev, prod\n\n/);
  t.regex(message, /^added {3}overlays\/prod\/kafka\.env$/m);

  const next = renderText(config({ dev: "{brokers: 1}", prod: "{brokers: 4}" }));
  const changed = [...next.tree.keys()].filter((p) => next.tree.get(p) !== first.tree.get(p)).map((path) => ({ path, kind: "changed" as const }));
  t.regex(commitMessage(next.model, changed, factsOf(first.model)), /^kafka: scale prod 3->4\n/);
});
