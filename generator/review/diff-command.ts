// `kafka-gitops diff`: flags and help only; the work is in diff.ts, loaded once the flags are valid.
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { DEFAULT_MAX_BYTES } from "./report.js";

export const DIFF_HELP = `kafka-gitops diff: what a pull request changes in the rendered environments

Usage:
  npm run diff -- [options]
  kafka-gitops diff [options]

Options:
  --dir DIR         repository root (default: current directory)
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

Needs kubectl >= 1.27 on PATH (except --summary). Writes nothing.

Exit codes: 0 success (warnings included), 1 an environment does not render in
the working tree, unknown revision or other failure, 2 bad usage.
`;

export async function diffCommand(args: string[], print: (text: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        dir: { type: "string", default: "." },
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
  if (!/^\d+$/.test(values["max-bytes"]) || maxBytes < 1000) throw new UsageError(`--max-bytes must be a whole number of at least 1000, not "${values["max-bytes"]}"`);
  if (values.base === "" || values.base.startsWith("-")) throw new UsageError(`--base needs a git revision, e.g. --base origin/main`);

  const { runDiff } = await import("./diff.js");
  const result = await runDiff({ dir: values.dir, base: values.base, format, maxBytes, summary: values.summary }, print);
  return result.exitCode;
}
