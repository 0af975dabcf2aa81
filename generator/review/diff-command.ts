// `kafka-gitops diff`: flags and help, and the new side's files: the working tree,
// or, when the config was edited after the last scaffold, the tree the config
// renders (in memory; nothing is written). The rest is in diff.ts, loaded once the flags are valid.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { CONFIG_FILE, GENERATED_ROOTS } from "../layout.js";
import type { FileTree } from "../render/tree.js";
import { DEFAULT_MAX_BYTES } from "./report.js";

export const DIFF_HELP = `kafka-gitops diff: what a pull request changes in the rendered environments

Usage:
  npm run diff -- [options]
  kafka-gitops diff [options]

Options:
  --dir DIR         the folder scaffolded into (default: current directory)
  --config FILE     config file (default: DIR/kafka-gitops.yaml)
  --base REF        git revision to compare the working tree with (default: HEAD),
                    e.g. origin/main in a pull-request build
  --format FORMAT   text (default) or markdown (a pull-request comment: one
                    <details> block per environment, \`\`\`diff blocks)
  --max-bytes N     keep the output under N bytes (default ${DEFAULT_MAX_BYTES}, a PR comment's
                    budget); least important parts are cut first, and the output says what
  --summary         print a short Markdown summary for the pull-request description
                    instead (always Markdown; reads the generated files only, no kubectl)
  -h, --help        show this help

Renders every environment (kubectl kustomize overlays/<env>) at REF and in the
working tree and lists, per environment, the objects added, removed and changed
(Kind/name) with a diff of each changed object; also the Argo CD objects under
clusters/. Risk warnings come first: an environment removed or renamed, fewer
brokers, a changed server, namespace, kafka.name, CLUSTER_ID, quorum, topology,
node ids or claims, smaller or moved volumes, a workload switch, an image
downgrade, a changed Argo CD sync policy.

When the config differs from REF's and the generated files in the working tree
are not what it renders (edited, not scaffolded yet), the new side is the tree
the config renders, in memory, and a note on stderr says so. Otherwise the
working tree is compared as it is, hand edits included.

Needs kubectl >= 1.27 on PATH (except --summary). Writes nothing.

Exit codes: 0 success (warnings included), 1 an environment does not render in
the working tree, unknown revision or other failure, 2 bad usage.
`;

/** `warn`: notes for the person running it (stderr), kept out of the report itself. */
export async function diffCommand(args: string[], print: (text: string) => void, warn: (text: string) => void = print): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        dir: { type: "string", default: "." },
        config: { type: "string" },
        base: { type: "string", default: "HEAD" },
        format: { type: "string", default: "text" },
        "max-bytes": { type: "string", default: String(DEFAULT_MAX_BYTES) },
        summary: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun \`kafka-gitops diff --help\` to see the options.`);
  }
  if (values.help) {
    print(DIFF_HELP);
    return 0;
  }
  const format = values.format;
  if (format !== "text" && format !== "markdown") throw new UsageError(`--format must be text or markdown, not "${format}"`);
  const maxBytes = Number(values["max-bytes"]);
  if (!/^\d+$/.test(values["max-bytes"]) || maxBytes < 1000)
    throw new UsageError(`--max-bytes must be a whole number of at least 1000, not "${values["max-bytes"]}"`);
  if (values.base === "" || values.base.startsWith("-")) throw new UsageError(`--base needs a git revision, e.g. --base origin/main`);

  const dir = resolve(values.dir);
  const ahead = await configTree(dir, resolve(dir, values.config ?? CONFIG_FILE), values.base);
  if (ahead)
    warn(
      `note: ${ahead.config} is ahead of the generated files (${ahead.files} file${ahead.files === 1 ? "" : "s"} differ): ` +
        `comparing with the tree it renders, in memory; nothing was written. Run \`${ahead.command}\` to write it.\n`,
    );
  const { runDiff } = await import("./diff.js");
  const result = await runDiff(
    {
      dir: values.dir,
      ...(values.config !== undefined && { config: values.config }),
      base: values.base,
      format,
      maxBytes,
      summary: values.summary,
      ...(ahead && { working: ahead.tree }),
    },
    print,
  );
  return result.exitCode;
}

/** The config's text at `ref`, if git has it there. */
function configAt(dir: string, configPath: string, ref: string): Promise<string | undefined> {
  return new Promise((done) =>
    execFile("git", ["show", `${ref}:./${relative(dir, configPath)}`], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) =>
      done(err ? undefined : stdout),
    ),
  );
}

/**
 * The working tree as the scaffold would leave it, when the config was edited
 * since `ref` and the generated files are still what the config at `ref`
 * renders. Per file: one the edit changes and that is on disk as the old config
 * renders it is replaced by (or removed as in) the new render; every other file
 * (hand-edited, already regenerated, local/) stays as it is. Undefined when no
 * file is behind (no config, or an unchanged one); a config git has not at `ref` was new there.
 */
async function configTree(
  dir: string,
  configPath: string,
  ref: string,
): Promise<{ tree: FileTree; files: number; config: string; command: string } | undefined> {
  if (!existsSync(configPath)) return undefined;
  const old = await configAt(dir, configPath, ref);
  if ((await readFile(configPath, "utf8")) === old) return undefined;
  const [{ renderTarget }, { ConfigError }, { readWorkingTree }, { fileTree }] = await Promise.all([
    import("../target.js"),
    import("../errors.js"),
    import("./sources.js"),
    import("../render/tree.js"),
  ]);
  const now = await renderTarget(dir, configPath);
  let before: FileTree = new Map();
  if (old !== undefined) {
    try {
      before = (await renderTarget(dir, configPath, old)).tree;
    } catch (err) {
      // What an invalid config at ref generated is unknown: compare the files as they are.
      if (err instanceof ConfigError) return undefined;
      throw err;
    }
  }
  const files = new Map(await readWorkingTree(dir));
  let behind = 0;
  for (const path of new Set([...before.keys(), ...now.tree.keys()])) {
    if (!(GENERATED_ROOTS as readonly string[]).includes(path.split("/")[0]!)) continue;
    const was = before.get(path);
    const will = now.tree.get(path);
    if (was === will || files.get(path) !== was) continue;
    if (will === undefined) files.delete(path);
    else files.set(path, will);
    behind++;
  }
  if (behind === 0) return undefined;
  return { tree: fileTree(files), files: behind, config: relative(dir, configPath), command: now.command.replace(/ --$/, "") };
}
