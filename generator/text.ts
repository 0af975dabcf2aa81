// Small text helpers every message, README and report shares, so the same
// thing is always said the same way.

/** "1 broker", "3 brokers". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Inline Markdown code that shows the value exactly: the fence is longer than any
 * run of backticks inside, and a padding space is added where CommonMark strips
 * one (content that starts with a backtick, or starts and ends with a space).
 */
export function inlineCode(value: unknown): string {
  const s = String(value);
  const ticks = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(ticks + 1);
  const pad = ticks > 0 || (s.startsWith(" ") && s.endsWith(" ") && s.trim() !== "");
  return pad ? `${fence} ${s} ${fence}` : `${fence}${s}${fence}`;
}

/** An Argo CD sync policy in words: "automatic, prunes objects removed from Git, reverts changes made by hand" or "manual". */
export function syncPolicyText(sync: { automated: boolean; prune: boolean; selfHeal: boolean }): string {
  if (!sync.automated) return "manual";
  return ["automatic", sync.prune && "prunes objects removed from Git", sync.selfHeal && "reverts changes made by hand"].filter(Boolean).join(", ");
}
