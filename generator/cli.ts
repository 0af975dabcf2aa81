#!/usr/bin/env node
// Entry point: parse flags, call the command, and the one catch that turns
// errors into exit codes. Heavy modules (zod, yaml, simple-git) are imported
// only after the flags are known to be valid, so --help and usage errors are instant.
import { parseArgs } from "node:util";
import { failureReport, UsageError } from "./errors.js";
import { writer } from "./output.js";

const HELP = `kafka-gitops: generate a Kustomize + Argo CD tree for Apache Kafka from one config file

Usage:
  npx kafka-gitops scaffold [options]   (in this repository's checkout: npm run scaffold -- [options])
  kafka-gitops init [--dir DIR]         write a starter kafka-gitops.yaml, its schema and a README section
  kafka-gitops validate [--config FILE] [--dir DIR]
                                        check the config, print every problem or ok; writes nothing
  kafka-gitops diff [options]           rendered per-environment diff and risk warnings for a
                                        pull request (see: kafka-gitops diff --help)
  kafka-gitops replication-plan --env ENV --topic T --partitions N [--factor F] [--config FILE] [--dir DIR]
                                        print the kafka-reassign-partitions.sh JSON that gives each
                                        partition F replicas (default min(3, brokers)) on ENV's
                                        brokers, in distinct racks with rack.zones; writes nothing
  kafka-gitops --version

Options of scaffold:
  --config FILE   config file (default: DIR/kafka-gitops.yaml)
  --dir DIR       folder to write into (default: current directory); may be a subfolder of a
                  git repository: Argo CD paths are then written relative to the repository root
  --no-commit     write the files but do not commit them
  --check         write nothing; exit 1 if the files on disk differ from what the config generates
  --dry-run       write nothing; print what would change (with --verbose: every diff)
  --verbose       list every file written (and with --dry-run every diff), not only the summary
  --force         overwrite uncommitted edits and hand-written files at generated paths
  --branch NAME   commit on branch NAME (created from the current commit when missing),
                  for a pull request; the branch you were on is left as it was
  --push          push the branch to origin after committing (sets its upstream; never forces)
  --base REF      committed revision the guards compare with (default: HEAD); with --push
                  the branch on origin it updates is compared too
  --allow-scale-down   allow fewer brokers (after moving their partitions away)
  --allow-remove ENV   allow removing environment ENV
  --allow-move ENV     allow another server, namespace or object names (kafka.name) for ENV:
                       a new, empty cluster
  --allow-identity-change ENV   allow another CLUSTER_ID, voter set, topology or node ids
                       for ENV (only on empty volumes)
  --allow-storage-change ENV    allow smaller volumes, another StorageClass or other claims
                       for ENV (the old volumes' data is left behind)
  --allow-durability-change ENV  allow a min.insync.replicas above the factor existing
                       topics of ENV were created with (their acks=all writes fail)
  --allow-workload-switch ENV   allow deployment-per-broker -> statefulset for ENV with
                       2 nodes or more (delete the old Deployments when the sync waits)
  --allow-security-change ENV   allow turning security off for ENV, or changing its
                       client or internal protocol on the running cluster
  --allow-remove-user NAME   delete user NAME's SCRAM credential (the users Job does it);
                       without it a user removed from the config keeps its credential
                       (the ENV flags repeat for several environments)
  --debug         print the stack trace of a failure
  -h, --help      show this help

Writes base/, overlays/<env>/, clusters/<cluster>/, kafka-gitops.schema.json and
kafka-gitops.generated.txt (the list of every file it wrote), removes files it
generated earlier that the config no longer produces, and commits exactly those
paths (and the config). Files it did not write are never touched, whatever their
header; overlays/<env>/local/ is yours, and the overlay includes it when it holds
a kustomization.yaml (a Kustomize Component).
Every git precondition is checked before the first file is written. A rejected
push keeps the commit and prints how to publish it.

Bootstrap Argo CD on a cluster, once: kubectl apply -k clusters/<cluster>

Changes that would break a running cluster are refused (exit 1, nothing written),
each unless its own flag above allows it (--force never does): a removed
environment, another server, namespace or kafka.name, CLUSTER_ID, voter set,
topology or node ids, fewer brokers, smaller volumes, another StorageClass or claim,
a running node moved to another zone (rack.zones).
They are compared with what is committed, not only with the working tree.

Exit codes: 0 success (also: nothing to do), 1 invalid config, drift (--check),
refused change, git or file failure, internal error, 2 bad usage.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V" || command === "version") {
    const { packageVersion } = await import("./package-root.js");
    process.stdout.write(`kafka-gitops ${packageVersion()}\n`);
    return 0;
  }
  if (command === "diff") {
    const { diffCommand } = await import("./review/diff-command.js");
    return diffCommand(rest, writer(process.stdout), writer(process.stderr));
  }
  if (command === "init" || command === "validate") {
    const { values } = parseFlags(
      rest,
      command === "init" ? { dir: { type: "string", default: "." } } : { dir: { type: "string", default: "." }, config: { type: "string" } },
    );
    if (values["help"]) {
      process.stdout.write(HELP);
      return 0;
    }
    const { terminalOutput } = await import("./output.js");
    if (command === "init") {
      const { runInit } = await import("./init.js");
      return runInit({ dir: String(values["dir"]) }, terminalOutput());
    }
    const { runValidate } = await import("./validate-command.js");
    return runValidate({ dir: String(values["dir"]), ...(typeof values["config"] === "string" && { config: values["config"] }) }, terminalOutput());
  }
  if (command === "replication-plan") {
    const spec = { dir: { type: "string", default: "." }, config: { type: "string" }, env: { type: "string" }, topic: { type: "string" } } as const;
    const { values } = parseFlags(rest, { ...spec, partitions: { type: "string" }, factor: { type: "string" } });
    if (values["help"]) {
      process.stdout.write(HELP);
      return 0;
    }
    const str = (k: string) => (typeof values[k] === "string" ? { [k]: values[k] as string } : {});
    const [{ runReplicationPlan }, { terminalOutput }] = await Promise.all([import("./replication-plan-command.js"), import("./output.js")]);
    return runReplicationPlan(
      { dir: String(values["dir"]), ...str("config"), ...str("env"), ...str("topic"), ...str("partitions"), ...str("factor") },
      terminalOutput(),
    );
  }
  if (command !== "scaffold") throw new UsageError(`unknown command "${command}"; try: kafka-gitops --help`);

  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
      options: {
        config: { type: "string" },
        dir: { type: "string", default: "." },
        commit: { type: "boolean", default: true },
        check: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        branch: { type: "string" },
        push: { type: "boolean", default: false },
        "allow-scale-down": { type: "boolean", default: false },
        "allow-remove": { type: "string", multiple: true, default: [] },
        "allow-move": { type: "string", multiple: true, default: [] },
        "allow-identity-change": { type: "string", multiple: true, default: [] },
        "allow-storage-change": { type: "string", multiple: true, default: [] },
        "allow-durability-change": { type: "string", multiple: true, default: [] },
        "allow-workload-switch": { type: "string", multiple: true, default: [] },
        "allow-security-change": { type: "string", multiple: true, default: [] },
        "allow-remove-user": { type: "string", multiple: true, default: [] },
        base: { type: "string" },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun with --help to see the options.`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.check && values["dry-run"]) throw new UsageError("--check and --dry-run exclude each other: --check is for CI, --dry-run for a person");
  const gitFlags = [values.branch !== undefined && "--branch", values.push && "--push"].filter(Boolean).join(" and ");
  const noCommit = values.check ? "--check" : values["dry-run"] ? "--dry-run" : !values.commit ? "--no-commit" : "";
  if (gitFlags && noCommit) throw new UsageError(`${gitFlags} act${gitFlags.includes(" and ") ? "" : "s"} on a commit, which ${noCommit} does not make`);
  if (values.branch === "") throw new UsageError("--branch needs a name, e.g. --branch kafka/prod-4-brokers");
  if (values.base !== undefined && (values.base === "" || values.base.startsWith("-")))
    throw new UsageError("--base needs a git revision, e.g. --base origin/main");

  const { runScaffold } = await import("./scaffold.js");
  const result = await runScaffold(
    {
      dir: values.dir,
      ...(values.config !== undefined && { config: values.config }),
      commit: values.commit,
      check: values.check,
      dryRun: values["dry-run"],
      force: values.force,
      ...(values.branch !== undefined && { branch: values.branch }),
      push: values.push,
      allowScaleDown: values["allow-scale-down"],
      allowRemove: values["allow-remove"],
      allowMove: values["allow-move"],
      allowIdentityChange: values["allow-identity-change"],
      allowStorageChange: values["allow-storage-change"],
      allowDurabilityChange: values["allow-durability-change"],
      allowWorkloadSwitch: values["allow-workload-switch"],
      allowSecurityChange: values["allow-security-change"],
      allowRemoveUser: values["allow-remove-user"],
      verbose: values.verbose,
      ...(values.base !== undefined && { base: values.base }),
    },
    (await import("./output.js")).terminalOutput(),
  );
  return result.exitCode;
}

type FlagSpec = Record<string, { type: "string" | "boolean"; default?: string | boolean }>;

/** The small commands' flags: strict, no positionals, --help everywhere. */
function parseFlags(args: string[], options: FlagSpec): { values: Record<string, string | boolean | undefined> } {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options: { ...options, help: { type: "boolean", short: "h", default: false } } });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nRun with --help to see the options.`);
  }
}

// `kafka-gitops ... | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

// --debug works with every command: it only adds the stack trace to a failure.
const args = process.argv.slice(2);
const debug = args.includes("--debug");
main(args.filter((a) => a !== "--debug")).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const { text, exitCode } = failureReport(err, debug);
    writer(process.stderr)(text);
    process.exitCode = exitCode;
  },
);
