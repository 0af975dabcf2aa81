// The only module that imports the YAML library. It fixes the output options
// once so every generated file is formatted the same way.
import { LineCounter, parseAllDocuments, parseDocument, stringify } from "yaml";

const STRINGIFY_OPTIONS = {
  // YAML 1.1 so yes/no/on/off are quoted: kubectl reads YAML 1.1 and would turn them into booleans.
  version: "1.1",
  // Never fold long lines: a folded line turns a one-word change into a multi-line diff.
  lineWidth: 0,
  // Repeated objects are written out, never as &anchors/*aliases that reviewers cannot read.
  aliasDuplicateObjects: false,
  indentSeq: true,
} as const;

const FRONT_KEYS = ["apiVersion", "kind", "metadata"];

/** Kubernetes readers expect apiVersion, kind and metadata first; the rest keeps the renderer's order. */
function frontKeysFirst(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of FRONT_KEYS) if (k in obj) ordered[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in ordered)) ordered[k] = v;
  return ordered;
}

/** One YAML document, no header. */
export function toYaml(value: unknown): string {
  return stringify(frontKeysFirst(value), STRINGIFY_OPTIONS);
}

/** Several documents separated by `---`. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join("---\n");
}

/** Prefixes `#` comment lines (a header or a note) to a YAML or env text. */
export function commentBlock(lines: readonly string[]): string {
  return lines.map((l) => (l ? `# ${l}` : "#")).join("\n") + "\n";
}

export interface YamlProblem {
  message: string;
  line?: number;
  column?: number;
}

export type ParsedYaml = { ok: true; value: unknown } | { ok: false; problems: YamlProblem[] };

/** Parses one YAML document; syntax errors come back with 1-based line and column. */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Configs are read as YAML 1.2 (what editors and the yaml-language-server assume): `yes` stays a string.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { message: e.message.split("\n")[0] ?? e.message, line: pos.line, column: pos.col };
      }),
    };
  }
  return { ok: true, value: doc.toJS() };
}

/**
 * Every document of a multi-document YAML text (generated files, `kubectl kustomize`
 * output) as plain values; empty documents are dropped. Throws on a syntax error.
 */
export function parseYamlDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split("\n")[0] ?? "YAML syntax error");
  return list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
}

/** Canonical text of a value for review diffs: keys sorted at every level, so a diff is about content, not key order. */
export function toCanonicalYaml(value: unknown): string {
  return stringify(value, { ...STRINGIFY_OPTIONS, sortMapEntries: true });
}
