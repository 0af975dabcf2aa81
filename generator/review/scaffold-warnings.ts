// Risk warnings for the scaffold: the committed generated files (on disk) against
// the freshly rendered tree, printed before anything is written. Warnings only:
// a later rule may refuse some kinds, through the same riskWarnings().
import type { FileTree } from "../render/tree.js";
import { riskWarnings, type Warning } from "./risks.js";
import { environmentStates } from "./state.js";

export function scaffoldWarnings(onDisk: FileTree, rendered: FileTree): Warning[] {
  return riskWarnings(environmentStates(onDisk), environmentStates(rendered));
}

/** The lines the scaffold prints: each warning with what to do. */
export function warningLines(warnings: readonly Warning[]): string[] {
  if (warnings.length === 0) return [];
  return [
    `${warnings.length} risky change${warnings.length === 1 ? "" : "s"} (review before merging; \`npm run diff\` shows the rendered objects):`,
    ...warnings.flatMap((w) => [`  warning: ${w.message}`, `    what to do: ${w.advice}`]),
  ];
}
