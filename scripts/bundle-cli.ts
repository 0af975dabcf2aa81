// Build step (npm run build, after tsc and the template precompiler): bundles the
// compiled CLI (dist/generator/cli.js) and the libraries it imports into one file,
// dist/bin/kafka-gitops.js, which `bin`, the npm scripts and the packed tarball run.
// Node resolving, reading and compiling some 150 separate ES modules (zod alone is
// dozens) cost more than everything `scaffold --check` does for a small repository;
// one file is read and compiled once. The bundle is the same code tsc emitted, so
// the tests that import modules from dist/ and the CLI tests that run the bundle
// exercise one program.
//
// Left out of the bundle and loaded from node_modules when needed: Handlebars'
// compiler (only for a template whose precompiled form is stale, see
// render/template.ts) and simple-git (only for commits), so `--check` never parses them.
import { build } from "esbuild";
import { chmodSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Where `bin` and the npm scripts point (package.json).
const out = join(ROOT, "dist", "bin", "kafka-gitops.js");
await build({
  entryPoints: [join(ROOT, "dist", "generator", "cli.js")],
  outfile: out,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["simple-git", "handlebars"],
  // CommonJS libraries inside an ES module bundle call require() for Node's own modules.
  banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});
chmodSync(out, 0o755);
