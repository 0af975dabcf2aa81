// The scaffold pipeline: load -> validate -> model -> render -> plan ->
// (check / dry-run stop here) -> git preflight -> [switch branch] -> write -> commit -> [push].
// Everything before the branch switch is free of side effects; the switch comes
// after every precondition and changes no file (see planBranch).
import { relative, resolve, isAbsolute } from "node:path";
import { loadConfig } from "./config/load.js";
import { checkGuards } from "./guards.js";
import { configWarnings } from "./config/rules.js";
import { commitMessage, type EnvFacts } from "./commit-message.js";
import { readDiskState } from "./disk.js";
import { formatProblem, GitError, UserError, type Problem } from "./errors.js";
import { checkGeneratedPaths, checkWritable } from "./fs-safety.js";
import { CONFIG_FILE, GENERATED_ROOTS, GENERATED_TOP_FILES } from "./layout.js";
import { acquireLock } from "./lock.js";
import { buildModel } from "./model/model.js";
import { toOutput, type Output, type Print } from "./output.js";
import { planChanges, type Plan } from "./plan.js";
import { planSummary } from "./plan-summary.js";
import { renderTree } from "./render/render.js";
import { isNote, type Warning } from "./review/risks.js";
import { warningLines } from "./review/scaffold-warnings.js";
import { environmentStates } from "./review/state.js";
import type { FileTree } from "./render/tree.js";
import { findLeftovers, leftoverNote, removeLeftovers } from "./temp-files.js";
import { localWarnings, renderTarget } from "./target.js";

export type { Output, Print } from "./output.js";

export interface ScaffoldOptions {
  dir: string;
  config?: string;
  commit: boolean;
  check: boolean;
  dryRun: boolean;
  force: boolean;
  /** Commit on this branch (created from HEAD when missing) instead of the checked-out one. */
  branch?: string;
  /** Push the branch to origin after committing (never forced). */
  push?: boolean;
  /** --allow-scale-down: fewer brokers are accepted (after draining them). */
  allowScaleDown?: boolean;
  /** --allow-remove: environments that may be removed. */
  allowRemove?: readonly string[];
  /** --allow-move, --allow-identity-change, --allow-storage-change: environments each guard lets through. */
  allowMove?: readonly string[];
  allowIdentityChange?: readonly string[];
  allowStorageChange?: readonly string[];
  allowDurabilityChange?: readonly string[];
  allowWorkloadSwitch?: readonly string[];
  allowSecurityChange?: readonly string[];
  allowRemoveUser?: readonly string[];
  /** --base REF: the committed revision the guards compare with (default HEAD). */
  base?: string;
  /** --verbose: every file (and with dryRun every diff), not only the per-environment summary. */
  verbose?: boolean;
}

export interface ScaffoldResult {
  exitCode: 0 | 1;
  plan: Plan;
  commit?: string;
  pushed?: boolean;
}

/** Pure front half of the pipeline, shared with the diff command and the tests. */
export async function renderFromConfig(configPath: string): Promise<{ tree: FileTree; model: ReturnType<typeof buildModel>; configText: string }> {
  const { config, text } = await loadConfig(configPath);
  const model = buildModel(config);
  return { tree: renderTree(model), model, configText: text };
}

/**
 * `print`: one function for every line, or an Output that sends warnings to stderr (the CLI's).
 * A run that may write holds the repository's lock from reading the disk to the commit, so two runs never interleave.
 */
export async function runScaffold(opts: ScaffoldOptions, print: Print | Output): Promise<ScaffoldResult> {
  const out = toOutput(print);
  const lock = opts.check || opts.dryRun ? undefined : await acquireLock(resolve(opts.dir), out.warn);
  try {
    return await scaffoldSteps(opts, out);
  } finally {
    await lock?.release();
  }
}

async function scaffoldSteps(opts: ScaffoldOptions, out: Output): Promise<ScaffoldResult> {
  const dir = resolve(opts.dir);
  const configPath = resolve(dir, opts.config ?? CONFIG_FILE);
  // --allow-remove-user: the users Job deletes these credentials (the guard lets only listed names through).
  const { tree, model, command } = await renderTarget(dir, configPath, undefined, opts.allowRemoveUser ?? []);
  const configWarns = configWarnings(model.config);
  for (const w of configWarns) out.warn(`warning: ${formatProblem(w)}`);
  for (const line of localWarnings(dir, model)) out.warn(line);
  await checkGeneratedPaths(dir, [...GENERATED_TOP_FILES, ...tree.keys()], GENERATED_ROOTS);
  // Copies a killed run never renamed into place; only a run holding the lock may remove them.
  const leftovers = await findLeftovers(dir);
  if (leftovers.length && !opts.check && !opts.dryRun) await removeLeftovers(dir, leftovers);
  if (leftovers.length) out.warn(leftoverNote(leftovers, !opts.check && !opts.dryRun));
  const disk = await readDiskState(dir, tree);
  for (const p of leftovers) disk.generated.delete(p);
  const plan = planChanges(tree, disk, opts.force);

  if (opts.check) return reportCheck(plan, out.info, command);
  // Risky changes against what is committed come first; those that would break a running cluster are refused.
  const { warnings: risks }: { warnings: Warning[] } = await checkGuards(
    {
      dir,
      model,
      workingTree: disk.generated,
      ...(opts.base !== undefined && { base: opts.base }),
      push: opts.push ?? false,
      ...(opts.branch !== undefined && { branch: opts.branch }),
      commandFlags: { dir: opts.dir, ...(opts.config !== undefined && { config: opts.config }) },
    },
    {
      allowScaleDown: opts.allowScaleDown ?? false,
      allowRemove: opts.allowRemove ?? [],
      allowMove: opts.allowMove ?? [],
      allowIdentityChange: opts.allowIdentityChange ?? [],
      allowStorageChange: opts.allowStorageChange ?? [],
      allowDurabilityChange: opts.allowDurabilityChange ?? [],
      allowWorkloadSwitch: opts.allowWorkloadSwitch ?? [],
      allowSecurityChange: opts.allowSecurityChange ?? [],
      allowRemoveUser: opts.allowRemoveUser ?? [],
    },
  );
  for (const line of warningLines(risks)) out.warn(line);
  const summary = (dryRun: boolean) => planSummary(plan, warningCounts(configWarns, risks), { dryRun, verbose: opts.verbose ?? false });
  if (opts.dryRun) {
    for (const line of summary(true)) out.info(line);
    if (opts.verbose) {
      // The diff library is loaded only for the runs that print diffs.
      const { unifiedDiff } = await import("./text-diff.js");
      for (const c of plan.changes) out.info(unifiedDiff(c.before ?? "", c.after ?? "", { oldLabel: `a/${c.path}`, newLabel: `b/${c.path}` }).trimEnd());
    }
    return { exitCode: 0, plan };
  }
  if (plan.conflicts.length)
    throw new UserError(
      `these files were not written by kafka-gitops but sit where it generates files:\n${plan.conflicts.map((p) => `  ${p}`).join("\n")}\nMove them elsewhere, or pass --force to replace them.`,
    );

  await checkWritable(dir, plan);
  const configRel = relative(dir, configPath);
  const insideDir = !configRel.startsWith("..") && !isAbsolute(configRel);
  const present = [...tree.keys(), ...(insideDir ? [configRel] : [])];
  const git = opts.commit ? await gitPreflight(dir, plan, present, opts) : undefined;
  if (git?.step?.switch) {
    const { switchBranch } = await import("./git.js");
    await switchBranch(git.repo, git.step);
    out.info(`switched to ${git.step.create ? "new " : ""}branch ${git.step.name} (${git.step.from} is unchanged)`);
  }
  const { applyPlan } = await import("./write.js");
  await applyPlan(dir, plan);
  for (const line of summary(false)) out.info(line);

  if (!git) return { exitCode: 0, plan };
  const { commitPaths, pushBranch } = await import("./git.js");
  const removed = plan.changes.filter((c) => c.kind === "removed").map((c) => c.path);
  const id = await commitPaths(git.repo, present, removed, commitMessage(model, plan.changes, committedFacts(disk.generated)));
  out.info(id ? `committed ${id}${git.branch ? ` on ${git.branch}` : ""}` : "nothing to commit: the generated tree is up to date");
  const result: ScaffoldResult = { exitCode: 0, plan, ...(id && { commit: id }) };
  if (!opts.push || !git.branch) return result;
  // Also pushes a commit left behind by an earlier rejected push; an up-to-date branch pushes nothing.
  const retry = `${command} ${opts.branch !== undefined ? `--branch ${git.branch} ` : ""}--push`;
  const pushed = (await pushBranch(git.repo, git.branch, retry)) === "pushed";
  out.info(pushed ? `pushed ${git.branch} to origin` : `nothing to push: origin has ${git.branch} up to date`);
  return { ...result, pushed };
}

/** Every git precondition, read-only: a refusal here leaves the repository exactly as it was. */
async function gitPreflight(dir: string, plan: Plan, present: readonly string[], opts: ScaffoldOptions) {
  const { openRepo, checkIdentity, checkNothingInProgress, checkNotIgnored, currentBranch, planBranch, checkRemote, uncommittedPaths } = await import(
    "./git.js"
  );
  const repo = await openRepo(dir);
  await checkNothingInProgress(repo);
  await checkIdentity(repo);
  const step = opts.branch !== undefined ? await planBranch(repo, opts.branch) : undefined;
  const branch = step?.name ?? (await currentBranch(repo));
  if (branch === undefined)
    throw new GitError(
      "HEAD is detached, so a commit would belong to no branch: pass --branch NAME to commit on a new branch, " +
        "or `git switch <branch>` first, or pass --no-commit (nothing was written)",
    );
  await checkNotIgnored(repo, present);
  if (opts.push) {
    if (branch === undefined) throw new GitError("--push needs a branch, and HEAD is detached: pass --branch NAME (nothing was written)");
    await checkRemote(repo);
  }
  if (!opts.force) {
    const dirty = await uncommittedPaths(
      repo,
      plan.changes.map((c) => c.path),
    );
    if (dirty.length)
      throw new GitError(
        `uncommitted changes in generated files would be overwritten:\n${dirty.map((p) => `  ${p}`).join("\n")}\n` +
          "Generated files are rebuilt from the config: put the change into kafka-gitops.yaml instead. " +
          "Commit or discard these edits (git checkout -- <file>), or pass --force to overwrite them.",
      );
  }
  return { repo, step, branch };
}

/** Warnings per environment: the config's (environments.<env>...) and the risky changes'. */
function warningCounts(config: readonly Problem[], risks: readonly Warning[]): Map<string, number> {
  const out = new Map<string, number>();
  const envs = [
    ...config.map((w) => (w.path[0] === "environments" ? String(w.path[1]) : undefined)),
    ...risks.filter((w) => !isNote(w)).map((w) => w.environment),
  ];
  for (const env of envs) if (env !== undefined) out.set(env, (out.get(env) ?? 0) + 1);
  return out;
}

/** What the commit title compares with: the environments as the generated files on disk describe them. */
function committedFacts(generated: FileTree): Map<string, EnvFacts> {
  return new Map(
    [...environmentStates(generated)].map(([name, s]) => [
      name,
      {
        ...(s.brokers !== undefined && { brokers: s.brokers }),
        ...(s.image !== undefined && { image: s.image }),
        ...(s.workload !== undefined && { workload: s.workload }),
        ...(s.storage !== undefined && { storage: s.storage.size }),
      },
    ]),
  );
}

const MAX_CHECK_DIFF_LINES = 200;

async function reportCheck(plan: Plan, print: (line: string) => void, command: string): Promise<ScaffoldResult> {
  const drift = [...plan.changes.map((c) => ({ path: c.path, kind: c.kind })), ...plan.conflicts.map((path) => ({ path, kind: "hand-written" }))];
  if (drift.length === 0) {
    print(`up to date: ${plan.unchanged} generated files match the config`);
    return { exitCode: 0, plan };
  }
  const label = (k: string) =>
    k === "added" ? "missing" : k === "removed" ? "no longer generated" : k === "changed" ? "differs" : "hand-written file at a generated path";
  print(`the generated tree does not match the config (${drift.length} file${drift.length === 1 ? "" : "s"}):`);
  const { unifiedDiff } = await import("./text-diff.js");
  for (const d of drift) print(`  ${d.path}: ${label(d.kind)}`);
  const lines = plan.changes
    .flatMap((c) =>
      unifiedDiff(c.before ?? "", c.after ?? "", { oldLabel: `a/${c.path} (on disk)`, newLabel: `b/${c.path} (from config)` })
        .trimEnd()
        .split("\n"),
    )
    .filter((l) => l.length > 0);
  for (const l of lines.slice(0, MAX_CHECK_DIFF_LINES)) print(l);
  if (lines.length > MAX_CHECK_DIFF_LINES) print(`... ${lines.length - MAX_CHECK_DIFF_LINES} more diff lines`);
  print(`run \`${command.replace(/ --$/, "")}\` and commit the result`);
  return { exitCode: 1, plan };
}
