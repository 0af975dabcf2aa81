// The bundled CLI (dist/bin/kafka-gitops.js, what `bin` runs) is one file, yet it
// must still find the files beside the package: the precompiled templates in
// dist/generator/render/ (so Handlebars' compiler is never loaded) and the
// templates' sources they are checked against.
import test, { type ExecutionContext } from "ava";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { bundleFiles, compileBundle } from "../generator/code-cache.js";
import { CLI, FIXTURES } from "./support/paths.js";
import { tempDir } from "./support/temp.js";

const exec = promisify(execFile);

// Loaded before the CLI: at exit, writes every CommonJS file that was loaded from outside the bundle
// (Handlebars and the precompiled templates are loaded through require, so they show in require.cache).
const REPORT_LOADED = `
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
// The cache is one for the process, whichever folder the require function is made for.
const cache = createRequire(process.cwd() + "/").cache;
process.on("exit", () => writeFileSync(process.env.LOADED_REPORT, JSON.stringify(Object.keys(cache))));
`;

async function loadedBy(t: ExecutionContext, args: string[]): Promise<{ loaded: string[]; dir: string }> {
  const dir = await tempDir(t, "kafka-gitops-bundle-");
  await writeFile(join(dir, "kafka-gitops.yaml"), await readFile(join(FIXTURES, "minimal", "kafka-gitops.yaml"), "utf8"));
  const report = join(dir, "loaded.json");
  await exec(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(REPORT_LOADED)}`, CLI, ...args, "--dir", dir], {
    cwd: dir,
    env: { PATH: process.env["PATH"], HOME: dir, GIT_CONFIG_NOSYSTEM: "1", LOADED_REPORT: report },
  });
  return { loaded: JSON.parse(await readFile(report, "utf8")) as string[], dir };
}

test("the bundled CLI renders the READMEs from the precompiled templates, loading nothing of Handlebars from node_modules", async (t) => {
  const { loaded, dir } = await loadedBy(t, ["scaffold", "--no-commit"]);
  t.regex(await readFile(join(dir, "overlays", "dev", "README.md"), "utf8"), /^# Kafka environment `dev`$/m);
  t.true(
    loaded.some((f) => f.endsWith("/dist/generator/render/templates.compiled.cjs")),
    "the precompiled templates are read from the package",
  );
  t.deepEqual(
    loaded.filter((f) => f.includes("/node_modules/handlebars/")),
    [],
    "no template was compiled at run time (and the Handlebars runtime is inside the bundle)",
  );
});

test("V8 accepts the code cache the build wrote for the bundle (a rejected one makes every run compile it)", (t) => {
  const files = bundleFiles();
  t.true(compileBundle(files.bundle, files.cache).cacheAccepted);
  t.false(compileBundle(files.bundle, undefined).cacheAccepted, "without a cache there is nothing to accept");
});
