// Build step (npm run build, after tsc and the template precompiler): bundles the
// compiled CLI (dist/generator/cli.js) and the libraries it imports into one
// CommonJS file, dist/bin/kafka-gitops.cjs, with a small launcher,
// dist/bin/kafka-gitops.js (generator/bin.ts), which `bin`, the npm scripts and
// the packed tarball run, and the launcher's V8 code cache (generator/code-cache.ts).
// Node resolving, reading and compiling some 150 separate ES modules (zod alone is
// dozens) cost more than everything `scaffold --check` does for a small repository;
// one file is read once, and its compiled code comes from the cache. The bundle is
// the same code tsc emitted, so the tests that import modules from dist/ and the
// CLI tests that run the bundle exercise one program.
//
// The Handlebars runtime is bundled (scripts/handlebars-runtime-bundled.ts); its
// compiler is not: it is loaded from node_modules only for a template whose
// precompiled form is stale (render/template.ts).
import { build, type Plugin } from "esbuild";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheKeyLine } from "../generator/code-cache.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "dist", "bin");
const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", metafile: true } as const;

// The one module the bundle has in another form: see generator/render/handlebars-runtime.ts.
let swapped = 0;
const bundledRuntime: Plugin = {
  name: "bundled-handlebars-runtime",
  setup(b) {
    b.onResolve({ filter: /^\.\/handlebars-runtime\.js$/ }, (args) => {
      if (!args.importer.endsWith(join("render", "template.js"))) return undefined;
      swapped++;
      return { path: join(ROOT, "dist", "scripts", "handlebars-runtime-bundled.js") };
    });
  },
};

const bundleFile = join(BIN, "kafka-gitops.cjs");
const cache = join(BIN, "kafka-gitops.code-cache");
// Gone before the bundle changes, so an interrupted build cannot leave an old cache beside a new bundle.
rmSync(cache, { force: true });
const cli = await build({
  ...common,
  plugins: [bundledRuntime],
  entryPoints: [join(ROOT, "dist", "generator", "cli.js")],
  outfile: bundleFile,
  format: "cjs",
  // The modules find the package's files from import.meta.url, which CommonJS spells with __filename.
  define: { "import.meta.url": "__kafkaGitopsModuleUrl" },
  banner: { js: 'var __kafkaGitopsModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
// The key the code cache must carry to be used with this bundle (generator/code-cache.ts).
const bundled = readFileSync(bundleFile, "utf8");
writeFileSync(bundleFile, bundled + cacheKeyLine(bundled));
if (swapped !== 1) throw new Error(`expected to bundle the Handlebars runtime once, did ${swapped} times: was render/template.ts changed?`);
// Code compiled from a V8 code cache cannot run import() (Node loses its loader callback), so none may be left.
const dynamic = Object.values(cli.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === "dynamic-import").map((i) => i.path));
if (dynamic.length) throw new Error(`the bundled CLI must not import() at run time, but imports: ${dynamic.join(", ")}`);

await build({ ...common, entryPoints: [join(ROOT, "dist", "generator", "bin.js")], outfile: join(BIN, "kafka-gitops.js"), format: "esm" });
chmodSync(join(BIN, "kafka-gitops.js"), 0o755);

const training = spawnSync(process.execPath, [join(ROOT, "dist", "scripts", "code-cache-training.js")], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
if (!existsSync(cache)) throw new Error(`the code cache training run wrote no cache (exit ${training.status}): ${training.stderr}`);
