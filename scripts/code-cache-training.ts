// Build step, run by bundle-cli.ts: one `scaffold --check` of this repository by
// the bundled CLI, which writes the V8 code cache the installed command reads
// (generator/code-cache.ts). Its output and exit code do not matter: only which
// functions it compiled.
import { bundleFiles, runBundle } from "../generator/code-cache.js";
import { packageRoot } from "../generator/package-root.js";

const files = bundleFiles();
process.argv = [process.argv[0]!, files.bundle, "scaffold", "--check", "--dir", packageRoot()];
runBundle(files, true);
