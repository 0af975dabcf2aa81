// One state model: for every golden fixture, the state parsed back out of the
// rendered files is exactly the state computed from the model. The guards
// compare the model's state with a committed tree parsed this way, so the two
// can never drift apart unnoticed.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { statesFromModel } from "../generator/model/state.js";
import { parseEnvironmentStates } from "../generator/review/state.js";
import { FIXTURES } from "./support/paths.js";
import { renderText } from "./support/render.js";

const fixtures = (await readdir(FIXTURES)).sort();

test("there are fixtures to check", (t) => {
  t.true(fixtures.length >= 4);
});

for (const fixture of fixtures)
  test(`fixture ${fixture}: parsing the rendered tree gives exactly the model's state`, async (t) => {
    const { model, tree } = renderText(await readFile(join(FIXTURES, fixture, "kafka-gitops.yaml"), "utf8"));
    const parsed = parseEnvironmentStates(tree);
    t.deepEqual(parsed.problems, [], "a generated tree is read without a problem");
    const expected = statesFromModel(model);
    t.deepEqual([...parsed.states.keys()], [...expected.keys()]);
    for (const [name, state] of expected) t.deepEqual(parsed.states.get(name), state, name);
  });

test("the round trip can fail: a changed file shows up as a different state", (t) => {
  const { model, tree } = renderText("repo: {url: https://github.com/acme/k.git}\nenvironments:\n  dev: {}\n");
  const edited = new Map(tree);
  edited.set("overlays/dev/kafka.env", tree.get("overlays/dev/kafka.env")!.replace(/CLUSTER_ID=\S+/, "CLUSTER_ID=AAAAAAAAAAAAAAAAAAAAAA"));
  t.notDeepEqual(parseEnvironmentStates(edited).states.get("dev"), statesFromModel(model).get("dev"));
});
