// Small text helpers every message, README and report shares, so the same
// thing is always said the same way.

/** "1 broker", "3 brokers". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Inline Markdown code that survives backticks in the value. */
export function inlineCode(value: unknown): string {
  const s = String(value);
  const ticks = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(ticks + 1);
  return ticks ? `${fence} ${s} ${fence}` : `${fence}${s}${fence}`;
}

/** An Argo CD sync policy in words: "automatic, prunes objects removed from Git, reverts changes made by hand" or "manual". */
export function syncPolicyText(sync: { automated: boolean; prune: boolean; selfHeal: boolean }): string {
  if (!sync.automated) return "manual";
  return ["automatic", sync.prune && "prunes objects removed from Git", sync.selfHeal && "reverts changes made by hand"].filter(Boolean).join(", ");
}
