// The scaffold's risk warnings as printed lines (guards.ts decides which kinds are refused instead).
import { plural } from "../text.js";
import { isNote, type Warning } from "./risks.js";

/** The lines the scaffold prints: each warning with what to do. */
export function warningLines(all: readonly Warning[]): string[] {
  const warnings = all.filter((w) => !isNote(w));
  const notes = all.filter(isNote);
  return [
    ...(warnings.length
      ? [
          `${plural(warnings.length, "risky change")} (review before merging; \`npm run diff\` shows the rendered objects):`,
          ...warnings.flatMap((w) => [`  warning: ${w.message}`, `    what to do: ${w.advice}`]),
        ]
      : []),
    // Advice for a safe change: nothing to allow, something to do after the sync.
    ...notes.flatMap((w) => [`note: ${w.message}`, `  what to do: ${w.advice}`]),
  ];
}
