// Runs the bundled CLI (dist/bin/kafka-gitops.cjs, one CommonJS file) with V8's
// code cache. Compiling the bundle's JavaScript, and each function the first time
// it runs, was a third of what `scaffold --check` adds to Node's own start-up on a
// small repository; the cache, written by `npm run build` after a training run
// (scripts/bundle-cli.ts), holds that compiled code. Node 22 has module.enableCompileCache() for this;
// Node 20, which this package supports, has only vm.Script's cachedData.
//
// The cache is only ever read at run time, never written, so a run leaves no file
// behind. V8 checks it against the source, its own version and its flags, and
// rejects one that does not fit (another Node version, a rebuilt bundle; see KEY_LINE): the
// bundle is then compiled as if there were no cache, slower but the same program.
// The bundle may contain no dynamic import(): code from a cache cannot run one.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { packageRoot } from "./package-root.js";

/** The bundle and its cache, as scripts/bundle-cli.ts writes them. */
export function bundleFiles(): { bundle: string; cache: string } {
  const dir = join(packageRoot(), "dist", "bin");
  return { bundle: join(dir, "kafka-gitops.cjs"), cache: join(dir, "kafka-gitops.code-cache") };
}

// V8 checks a cache against the source's length only, so the build ends the bundle with a
// hash of its content and starts the cache with the same line: a cache is used only
// with the very bundle it was made from.
const KEY_LINE = /\/\/ code-cache-key: [0-9a-f]{64}\n$/;

/** The last line of a bundle: its content's hash (scripts/bundle-cli.ts appends it). */
export function cacheKeyLine(bundleSource: string): string {
  return `// code-cache-key: ${createHash("sha256").update(bundleSource).digest("hex")}\n`;
}

/** The cache file's content: the bundle's key line, then V8's data. */
export function cacheFileContent(bundleSource: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(KEY_LINE.exec(bundleSource.slice(-100))?.[0] ?? "\n"), data]);
}

function cachedDataFor(source: string, cache: string | undefined): Buffer | undefined {
  const key = KEY_LINE.exec(source.slice(-100))?.[0];
  if (cache === undefined || key === undefined || !existsSync(cache)) return undefined;
  const file = readFileSync(cache);
  return file.subarray(0, key.length).toString("latin1") === key ? file.subarray(key.length) : undefined;
}

/** The bundle compiled as Node compiles a CommonJS module (the same wrapper), from the cache when it fits. */
export function compileBundle(bundle: string, cache: string | undefined): { script: Script; source: string; cacheAccepted: boolean } {
  // A #! line is valid only at the very start of a script, which the wrapper is not.
  const source = readFileSync(bundle, "utf8").replace(/^#!.*/, "");
  const cachedData = cachedDataFor(source, cache);
  const script = new Script(Module.wrap(source), { filename: bundle, ...(cachedData && { cachedData }) });
  return { script, source, cacheAccepted: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Runs the bundle in this process as its main module. `writeCache` (the build's
 * training run only) compiles without the cache and writes it when the process
 * exits, so it holds every function the run compiled.
 */
export function runBundle(files: { bundle: string; cache: string }, writeCache = false): void {
  const { script, source } = compileBundle(files.bundle, writeCache ? undefined : files.cache);
  if (writeCache) process.once("exit", () => writeFileSync(files.cache, cacheFileContent(source, script.createCachedData())));
  const module = { exports: {} };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(files.bundle), module, files.bundle, dirname(files.bundle));
}
