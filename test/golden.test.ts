// Golden trees: each fixture config renders exactly the files committed under
// test/golden/<fixture>/. After an intended change, regenerate them with
// `UPDATE_GOLDEN=1 npm test` and review the diff like any generated change.
import test from "ava";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FIXTURES, REPO_ROOT } from "./support/paths.js";
import { renderText } from "./support/render.js";

const GOLDEN = join(REPO_ROOT, "test/golden");

async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, path)));
    else out.push(path);
  }
  return out.sort();
}

for (const fixture of (await readdir(FIXTURES)).sort()) {
  test(`fixture ${fixture} renders its golden tree`, async (t) => {
    const { tree } = renderText(await readFile(join(FIXTURES, fixture, "kafka-gitops.yaml"), "utf8"));
    const dir = join(GOLDEN, fixture);
    if (process.env["UPDATE_GOLDEN"]) {
      await rm(dir, { recursive: true, force: true });
      for (const [path, text] of tree) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
    }
    t.deepEqual([...tree.keys()], await listFiles(dir), "the same files");
    for (const [path, text] of tree) t.is(text, await readFile(join(dir, path), "utf8"), path);
  });
}

test("rendering is deterministic: same config, same bytes, whatever the key order", async (t) => {
  const text = await readFile(join(FIXTURES, "many-envs", "kafka-gitops.yaml"), "utf8");
  const a = renderText(text).tree;
  const b = renderText(text).tree;
  t.deepEqual([...a.entries()], [...b.entries()]);
  // Same environments listed in reverse order.
  const reordered = text.replace(/environments:\n([\s\S]*)$/, (_m, body: string) => {
    const blocks = body.split(/\n(?=  [a-z])/);
    return (
      "environments:\n" +
      blocks
        .reverse()
        .map((b) => b.replace(/\n$/, ""))
        .join("\n") +
      "\n"
    );
  });
  t.not(reordered, text);
  t.deepEqual([...renderText(reordered).tree.entries()], [...a.entries()]);
});
