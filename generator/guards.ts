// Guards: the risky changes that would break a running cluster's identity,
// quorum or volumes are refused, not merely reported. The new side is the
// model; the old side is what is committed (HEAD or --base, and with --push the
// remote branch it updates), plus the working tree's generated files, so no
// rebase, deletion or hand edit switches a guard off. Each guard yields only to
// its own flag; --force (hand-edit protection) never reaches here.
import type { Problem } from "./errors.js";
import { UserError, formatProblem } from "./errors.js";
import type { Model } from "./model/model.js";
import { statesFromModel, type EnvironmentState, type EnvironmentStates } from "./model/state.js";
import { readCommittedStates, insideGitRepo, removedEarlier, resolveCommit } from "./review/base-state.js";
import { sameServer } from "./server-url.js";
import { riskWarnings, type RiskOptions, type Warning, type WarningKind } from "./review/risks.js";
import { git } from "./review/sources.js";
import { environmentStates } from "./review/state.js";
import type { FileTree } from "./render/tree.js";
import { plural } from "./text.js";

export interface GuardOptions {
  /** --allow-scale-down: the operator drained the departing brokers. */
  allowScaleDown: boolean;
  /** --allow-remove ENV: drop these environments (Argo CD stops managing them; their volumes stay). */
  allowRemove: readonly string[];
  /** --allow-move ENV: another server, namespace or object names, i.e. a new, empty cluster. */
  allowMove?: readonly string[];
  /** --allow-identity-change ENV: another CLUSTER_ID, voter set, topology or node ids (only for empty volumes). */
  allowIdentityChange?: readonly string[];
  /** --allow-storage-change ENV: smaller volumes, another class, other claims or zones (data is left behind). */
  allowStorageChange?: readonly string[];
  /** --allow-durability-change ENV: a higher min.insync.replicas than existing topics' factor (their acks=all writes fail). */
  allowDurabilityChange?: readonly string[];
  /** --allow-workload-switch ENV: a switch whose sync waits for the old Deployments to be deleted by hand. */
  allowWorkloadSwitch?: readonly string[];
  /** --allow-security-change ENV: security turned off, or a change of its listeners' protocols on a running cluster. */
  allowSecurityChange?: readonly string[];
  /** --allow-remove-user NAME: delete these users' SCRAM credentials (users, not environments). */
  allowRemoveUser?: readonly string[];
}

type PerEnvironment =
  | "allowRemove"
  | "allowMove"
  | "allowIdentityChange"
  | "allowStorageChange"
  | "allowDurabilityChange"
  | "allowWorkloadSwitch"
  | "allowSecurityChange"
  | "allowRemoveUser";

interface Guard {
  flag: string;
  /** The option that lets it through; undefined for --allow-scale-down, which is not per environment. */
  option?: PerEnvironment;
  hint: string;
}

const move: Guard = { flag: "--allow-move", option: "allowMove", hint: "if a new, empty cluster is what you want" };
const identity: Guard = { flag: "--allow-identity-change", option: "allowIdentityChange", hint: "if the volumes are empty or may be wiped" };
const storage: Guard = { flag: "--allow-storage-change", option: "allowStorageChange", hint: "if the data on the old volumes may be left behind" };

/** Every refused kind and the one flag that lets it through; kinds not listed stay warnings. */
export const GUARDS: Partial<Record<WarningKind, Guard>> = {
  "environment-removed": { flag: "--allow-remove", option: "allowRemove", hint: "if that is what you want" },
  "server-changed": move,
  "namespace-changed": move,
  "object-names-changed": move,
  "cluster-id-changed": identity,
  "topology-changed": identity,
  "voters-changed": identity,
  "node-ids-changed": identity,
  "brokers-decreased": { flag: "--allow-scale-down", hint: "once the brokers are drained" },
  "claims-changed": storage,
  "zone-changed": storage,
  "storage-shrunk": storage,
  "storage-class-changed": storage,
  "user-removed": { flag: "--allow-remove-user", option: "allowRemoveUser", hint: "once no client uses it" },
  "security-changed": {
    flag: "--allow-security-change",
    option: "allowSecurityChange",
    hint: "once every client is reconfigured, or the cluster may stop while its nodes disagree",
  },
  "workload-switch-waits": {
    flag: "--allow-workload-switch",
    option: "allowWorkloadSwitch",
    hint: "and delete the old Deployments by hand when the sync waits",
  },
  "durability-tightened": {
    flag: "--allow-durability-change",
    option: "allowDurabilityChange",
    hint: "once those topics' replication is raised (or no producer uses acks=all)",
  },
};

function allowed(w: Warning, guard: Guard, opts: GuardOptions): boolean {
  if (guard.option === undefined) return opts.allowScaleDown;
  return (opts[guard.option] ?? []).includes(w.subject ?? w.environment);
}

/** The refusals among `warnings`; `against` names the side they were compared with, e.g. "HEAD at 1a2b3c4". */
export function refusals(warnings: readonly Warning[], opts: GuardOptions, against?: string): Problem[] {
  const out: Problem[] = [];
  for (const w of warnings) {
    const guard = GUARDS[w.kind];
    if (!guard || allowed(w, guard, opts)) continue;
    const why = w.message.replace(new RegExp(`^${w.environment}: `), "");
    const flag = guard.option === undefined ? guard.flag : `${guard.flag} ${w.subject ?? w.environment}`;
    out.push({
      path: w.path,
      message: `refused: ${why}${against ? ` (compared with ${against})` : ""}. Safe way: ${w.advice} Then, ${guard.hint}, pass ${flag}.`,
    });
  }
  return out;
}

/** Exit 1 with every refusal; nothing has been written at this point. */
export class RefusedChange extends UserError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `${plural(problems.length, "change")} would break a running Kafka cluster; nothing was written:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
  }
}

export interface GuardInput {
  dir: string;
  model: Model;
  /** The generated files in the working tree (compared too, leniently: a deleted file there is simply regenerated). */
  workingTree: FileTree;
  /** --base REF: the committed revision to compare with (default HEAD). */
  base?: string;
  /** --push: the branch it will update on origin is compared too, when origin has it. */
  push?: boolean;
  /** --branch NAME: the branch committed on (default: the checked-out one). */
  branch?: string;
  /** --dir and --config as the user wrote them, for the commands in the advice. */
  commandFlags?: RiskOptions;
}

interface Side {
  label: string;
  states: EnvironmentStates;
}

/** The sides the new model is compared with: the base revision, origin's branch for --push, the working tree. */
async function sides(input: GuardInput, after: ReadonlyMap<string, EnvironmentState>): Promise<Side[]> {
  const out: Side[] = [];
  const repo = await insideGitRepo(input.dir);
  if (!repo && input.base !== undefined)
    throw new UserError(`--base ${input.base}: ${input.dir} is not inside a git repository, so there is no revision to compare with`);
  if (repo) {
    const base = input.base ?? "HEAD";
    if (input.base !== undefined && (await resolveCommit(input.dir, base)) === undefined)
      throw new UserError(`--base ${base}: unknown revision; pass a branch, tag or commit (fetch it first, e.g. \`git fetch origin main\`)`);
    const committed = await readCommittedStates(input.dir, base);
    out.push(committed);
    // An environment removed in an earlier commit and now added again lands on its retained volumes.
    const commit = await resolveCommit(input.dir, base);
    const returning = input.model.environments.map((em) => em.env.name).filter((n) => !committed.states.has(n));
    if (commit !== undefined && returning.length)
      for (const old of await removedEarlier(input.dir, commit, returning)) {
        const now = after.get(old.state.name);
        // Only where it ran before: elsewhere the old volumes are not reached.
        if (now && old.state.namespace === now.namespace && old.state.server !== undefined && sameServer(old.state.server, now.server))
          out.push({ label: old.label, states: new Map([[old.state.name, old.state]]) });
      }
    const branch = input.push ? (input.branch ?? (await git(input.dir, ["symbolic-ref", "--short", "-q", "HEAD"])).stdout.toString().trim()) : "";
    if (branch !== "") {
      const remote = `refs/remotes/origin/${branch}`;
      const has = await git(input.dir, ["rev-parse", "--verify", "--quiet", remote]);
      if (has.code === 0) {
        const side = await readCommittedStates(input.dir, remote);
        out.push({ ...side, label: `${side.label.replace(remote, `origin/${branch}`)}, which --push updates` });
      }
    }
  }
  out.push({ label: "the generated files in the working tree", states: environmentStates(input.workingTree) });
  return out;
}

export interface GuardResult {
  /** Risky changes that are only warned about (or were allowed by their flag), against the first side. */
  warnings: Warning[];
}

/**
 * Compares the model with every side; throws RefusedChange with every refusal
 * (each once, naming the first side it was found against).
 */
export async function checkGuards(input: GuardInput, opts: GuardOptions): Promise<GuardResult> {
  const after = statesFromModel(input.model);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const warnings: Warning[] = [];
  const shown = new Set<string>();
  const all = await sides(input, after);
  for (const side of all) {
    const ws = riskWarnings(side.states, after, input.commandFlags);
    for (const w of ws) {
      const key = `${w.kind}\0${w.environment}\0${w.message}`;
      if (shown.has(key)) continue;
      shown.add(key);
      warnings.push(w);
    }
    const label = all.length > 1 ? side.label : undefined;
    for (const w of ws) {
      const key = `${w.kind}\0${w.environment}\0${w.message}`;
      if (seen.has(key)) continue;
      const refused = refusals([w], opts, label);
      if (refused.length) {
        seen.add(key);
        problems.push(...refused);
      }
    }
  }
  if (problems.length) throw new RefusedChange(problems);
  return { warnings };
}
