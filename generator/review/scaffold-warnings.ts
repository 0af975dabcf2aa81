// The scaffold's risk warnings as printed lines (guards.ts decides which kinds are refused instead).
import { plural } from "../text.js";
import type { Warning } from "./risks.js";

/** The lines the scaffold prints: each warning with what to do. */
export function warningLines(warnings: readonly Warning[]): string[] {
  if (warnings.length === 0) return [];
  return [
    `${plural(warnings.length, "risky change")} (review before merging; \`npm run diff\` shows the rendered objects):`,
    ...warnings.flatMap((w) => [`  warning: ${w.message}`, `    what to do: ${w.advice}`]),
  ];
}
