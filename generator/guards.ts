// Guards: the risky changes that would break a running cluster's quorum,
// identity or volumes are refused, not merely reported. Pure: warnings in,
// refusals out; the scaffold stops before writing when there is any.
import type { ConfigPath, Problem } from "./errors.js";
import { UserError, formatProblem } from "./errors.js";
import type { Warning, WarningKind } from "./review/risks.js";

export interface GuardOptions {
  /** --allow-scale-down: the operator drained the departing brokers. */
  allowScaleDown: boolean;
  /** --allow-remove ENV: the operator means to drop these environments (or move them to a new namespace). */
  allowRemove: readonly string[];
}

/** Config key each refusable kind is about; kinds not listed stay warnings. */
const REFUSED: Partial<Record<WarningKind, (w: Warning) => ConfigPath>> = {
  "environment-removed": (w) => ["environments", w.environment],
  "namespace-changed": (w) => ["environments", w.environment, "namespace"],
  "cluster-id-changed": (w) => ["environments", w.environment, "clusterId"],
  "topology-changed": (w) => ["environments", w.environment, "topology"],
  "voters-changed": (w) => ["environments", w.environment, "controllers"],
  "brokers-decreased": (w) => ["environments", w.environment, "brokers"],
  "storage-shrunk": (w) => ["environments", w.environment, ...(w.configKey ?? ["storage", "size"])],
  "storage-class-changed": (w) => ["environments", w.environment, ...(w.configKey ?? ["storage", "storageClass"])],
};

function overrideHint(w: Warning, opts: GuardOptions): string | undefined {
  if (w.kind === "brokers-decreased") return opts.allowScaleDown ? undefined : "once the brokers are drained, pass --allow-scale-down";
  if (w.kind === "environment-removed" || w.kind === "namespace-changed")
    return opts.allowRemove.includes(w.environment) ? undefined : `if that is what you want, pass --allow-remove ${w.environment}`;
  return "";
}

export function refusals(warnings: readonly Warning[], opts: GuardOptions): Problem[] {
  const out: Problem[] = [];
  for (const w of warnings) {
    const path = REFUSED[w.kind]?.(w);
    if (!path) continue;
    const hint = overrideHint(w, opts);
    if (hint === undefined) continue;
    const why = w.message.replace(new RegExp(`^${w.environment}: `), "");
    out.push({ path, message: `refused: ${why}. Safe way: ${w.advice}${hint ? ` Then ${hint}.` : ""}` });
  }
  return out;
}

/** Exit 1 with every refusal; nothing has been written at this point. */
export class RefusedChange extends UserError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      `${problems.length} change${problems.length === 1 ? "" : "s"} would break a running Kafka cluster; nothing was written:\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
  }
}
