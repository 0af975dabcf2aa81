// The only module that imports the YAML library. It fixes the output options
// once so every generated file is formatted the same way.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, stringify } from "yaml";

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
  const ordered = frontKeysFirst(value);
  return fastYaml(ordered) ?? stringify(ordered, STRINGIFY_OPTIONS);
}

/** Several documents separated by `---`. */
export function toYamlDocuments(values: readonly unknown[]): string {
  const ordered = values.map(frontKeysFirst);
  const text = ordered.map((v) => fastYaml(v) ?? stringify(v, STRINGIFY_OPTIONS)).join("---\n");
  remember(text, ordered);
  return text;
}

/** The library's own output for `value`, never the fast path below (exported for the test that proves both agree). */
export function toYamlWithLibrary(value: unknown): string {
  return stringify(frontKeysFirst(value), STRINGIFY_OPTIONS);
}

// The fast path. The library builds a node tree for every document, which made YAML
// formatting most of a fleet's render time. Generated documents are plain block maps
// and sequences, so the layout is written here directly, and every scalar and key is
// still formatted by the library: once per distinct value (quoting rules live in one
// place), memoised. Anything else (a multi-line key, a block string inside a
// sequence, a class instance) returns undefined and the library writes the whole
// document. The golden trees and test/yaml-format compare the two byte for byte.

const MAX_MEMO = 200_000;
const keyTexts = new Map<string, string>();
const valueTexts = new Map<string, string>();

function memo(cache: Map<string, string>, key: string, make: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    if (cache.size >= MAX_MEMO) cache.clear();
    text = make();
    cache.set(key, text);
  }
  return text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** A mapping key as the library writes it (`key` of `key: value`); undefined when it needs the explicit `? key` form. */
function keyText(key: string): string | undefined {
  if (key.includes("\n") || key.length > 500) return undefined;
  const line = memo(keyTexts, key, () => stringify({ [key]: null }, STRINGIFY_OPTIONS));
  return line.startsWith("? ") || !line.endsWith(": null\n") ? undefined : line.slice(0, -": null\n".length);
}

/**
 * A scalar as the library writes it after `key: ` at column `column` (or after `- `
 * when `inSequence`); multi-line strings become block scalars whose lines carry
 * their absolute indentation, so they depend on the column.
 */
function scalarText(value: unknown, column: number, inSequence: boolean): string | undefined {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number")
    return memo(valueTexts, `n${value}${Object.is(value, -0) ? "-" : ""}`, () => stringify({ k: value }, STRINGIFY_OPTIONS).slice(3, -1));
  if (typeof value !== "string") return undefined;
  if (!value.includes("\n")) return memo(valueTexts, `s${value}`, () => stringify({ k: value }, STRINGIFY_OPTIONS).slice(3, -1));
  if (inSequence || column % 2 !== 0) return undefined;
  // Written nested `column / 2` maps deep, so the library indents the block exactly as it would in place.
  return memo(valueTexts, `b${column} ${value}`, () => {
    let wrapped: unknown = { k: value };
    for (let i = 0; i < column / 2; i++) wrapped = { a: wrapped };
    const text = stringify(wrapped, STRINGIFY_OPTIONS);
    const start = text.indexOf(`${" ".repeat(column)}k: `) + column + 3;
    return text.slice(start, -1);
  });
}

/** Lines of a block mapping whose keys sit at `column`; false when the fast path does not apply. */
function mapLines(obj: Record<string, unknown>, column: number, out: string[]): boolean {
  const indent = " ".repeat(column);
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const key = keyText(k);
    if (key === undefined) return false;
    if (isPlainObject(v) || Array.isArray(v)) {
      if (isEmpty(v)) out.push(`${indent}${key}: ${Array.isArray(v) ? "[]" : "{}"}`);
      else {
        out.push(`${indent}${key}:`);
        if (!(Array.isArray(v) ? seqLines(v, column + 2, out) : mapLines(v, column + 2, out))) return false;
      }
      continue;
    }
    const text = scalarText(v, column, false);
    if (text === undefined) return false;
    out.push(`${indent}${key}: ${text}`);
  }
  return true;
}

/** Lines of a block sequence whose `- ` sits at `column`. */
function seqLines(list: readonly unknown[], column: number, out: string[]): boolean {
  const indent = " ".repeat(column);
  for (const item of list) {
    if (isPlainObject(item) || Array.isArray(item)) {
      if (isEmpty(item)) {
        out.push(`${indent}- ${Array.isArray(item) ? "[]" : "{}"}`);
        continue;
      }
      // The item's first line moves up next to its `- `; the others stay two columns in.
      const first = out.length;
      if (!(Array.isArray(item) ? seqLines(item, column + 2, out) : mapLines(item, column + 2, out))) return false;
      out[first] = `${indent}- ${out[first]!.slice(column + 2)}`;
      continue;
    }
    const text = scalarText(item, column + 2, true);
    if (text === undefined) return false;
    out.push(`${indent}- ${text}`);
  }
  return true;
}

/** Empty as the library sees it: a mapping whose values are all undefined is written as `{}`. */
function isEmpty(v: Record<string, unknown> | readonly unknown[]): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.values(v).every((x) => x === undefined);
}

/** The document text of `value` as the library would write it, or undefined to let the library write it. */
function fastYaml(value: unknown): string | undefined {
  if (!isPlainObject(value) && !Array.isArray(value)) return undefined;
  if (isEmpty(value)) return Array.isArray(value) ? "[]\n" : "{}\n";
  const out: string[] = [];
  const ok = Array.isArray(value) ? seqLines(value, 0, out) : mapLines(value, 0, out);
  return ok ? out.join("\n") + "\n" : undefined;
}

// Reading back what this process just wrote. The scaffold's risk checks read every
// generated file of the new tree and of the tree on disk, and parsing YAML costs far
// more than writing it; most files on disk are byte-identical to the new ones. So each
// text written above is remembered with its values, and parseYamlDocuments answers
// from here when the text (below its `#` header) is one of them. Only values that
// parse back to themselves are remembered (plain data whose strings and numbers keep
// their type when read as YAML 1.2), so the answer is the one parsing would give.
const written = new Map<string, readonly unknown[]>();
const MAX_WRITTEN = 100_000;
const scalarRoundTrips = new Map<string, boolean>();
// Strings YAML 1.2 could read as something else (null, bool, int, float): checked once each.
const NON_STRING_1_2 =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))?$/;

function scalarRoundTrip(value: string | number): boolean {
  const key = `${typeof value} ${value}`;
  let ok = scalarRoundTrips.get(key);
  if (ok === undefined) {
    const back = parseAllDocuments(stringify(value, STRINGIFY_OPTIONS))[0]?.toJS() as unknown;
    ok = typeof value === "number" ? Object.is(back, value) : back === value;
    scalarRoundTrips.set(key, ok);
  }
  return ok;
}

/** True when `value` is plain data that YAML writes and reads back unchanged (undefined map entries are dropped, as the writer drops them). */
function roundTrips(value: unknown): boolean {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "string") return !NON_STRING_1_2.test(value) || scalarRoundTrip(value);
  if (typeof value === "number") return Number.isSafeInteger(value) || scalarRoundTrip(value);
  if (Array.isArray(value)) return value.every((v) => v !== undefined && roundTrips(v));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.entries(value).every(([k, v]) => !NON_STRING_1_2.test(k) && (v === undefined || roundTrips(v)));
  return false;
}

function remember(text: string, values: readonly unknown[]): void {
  if (written.has(text) || !values.every((v) => v !== undefined && roundTrips(v))) return;
  if (written.size >= MAX_WRITTEN) written.clear();
  written.set(text, values);
}

/** A fresh copy, so a caller that changes what it read cannot change the next answer. */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = copyOf(v);
  return out;
}

/** The text below the leading `#` lines (the header commentBlock writes). */
function belowHeader(text: string): string {
  let i = 0;
  while (text.startsWith("#", i)) {
    const eol = text.indexOf("\n", i);
    if (eol < 0) return "";
    i = eol + 1;
  }
  return text.slice(i);
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

/** Expansions of `*alias` allowed in one config: plenty for shared blocks, far too few for an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/**
 * Parses one YAML document into plain data. Syntax errors, duplicate keys, more
 * than one document and alias bombs come back as problems with 1-based line and
 * column, never as exceptions. `<<` merge keys work (YAML 1.1 style, as most
 * editors and kubectl read them).
 */
export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  // Configs are read as YAML 1.2 (what editors and the yaml-language-server assume): `yes` stays a string.
  // uniqueKeys is off because the library compares each key with every earlier key of its map
  // (quadratic: minutes for 40,000 keys); duplicateKeys below does the same check in one pass.
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  } catch (err) {
    return { ok: false, problems: [{ message: loadFailure(err) }] };
  }
  // Absurd nesting exhausts the parser's stack at a place that depends on the stack size: one problem, no position.
  if (doc.errors.some((e) => /call stack/i.test(e.message))) return { ok: false, problems: [{ message: NESTED_TOO_DEEPLY }] };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        message:
          e.code === "MULTIPLE_DOCS"
            ? 'a second YAML document starts here ("---"); the config is one document: remove the "---" line and merge the documents'
            : `YAML syntax error: ${e.message.split("\n")[0] ?? e.message}`,
        ...at(e.pos[0]),
      })),
    };
  }
  const duplicates = duplicateKeys(doc.contents, at);
  if (duplicates.length > 0) return { ok: false, problems: duplicates };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    return { ok: false, problems: [{ message: loadFailure(err) }] };
  }
}

const NESTED_TOO_DEEPLY = "the YAML is nested too deeply to read; a config is a few levels deep";

/** The library reports alias and merge problems, and stack exhaustion on absurd nesting, by throwing. */
function loadFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError) return NESTED_TOO_DEEPLY;
  if (/excessive alias count/i.test(message))
    return `YAML aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies; write the repeated values out instead of nesting aliases`;
  const unresolved = /unresolved alias.*: (.*)$/i.exec(message);
  if (unresolved)
    return `the alias *${unresolved[1]} has no anchor &${unresolved[1]} before it; define the anchor first (YAML reads top to bottom) or write the value out`;
  if (/merge sources/i.test(message)) return 'a "<<" merge key needs a mapping or an alias of one, e.g. "<<: *defaults"; fix the value after "<<:"';
  throw err;
}

/** Keys that appear twice in one mapping, in one pass over the document (aliases are not followed). */
function duplicateKeys(root: unknown, at: (offset: number) => { line: number; column: number }): YamlProblem[] {
  const problems: YamlProblem[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isSeq(node)) for (const item of node.items) stack.push(item);
    else if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        stack.push(pair.value);
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, offset);
        else
          problems.push({
            message: `duplicate key ${JSON.stringify(key)} (first at line ${at(first).line}); a key may appear once in a mapping: merge the two entries or remove one`,
            ...at(offset),
          });
      }
    }
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * Every document of a multi-document YAML text (generated files, `kubectl kustomize`
 * output) as plain values; empty documents are dropped. Throws on a syntax error.
 */
export function parseYamlDocuments(text: string): unknown[] {
  const known = written.get(belowHeader(text));
  if (known) return known.map(copyOf).filter((v) => v !== null && v !== undefined);
  return parseYamlDocumentsOf(text);
}

/** parseYamlDocuments without the memory of written texts (exported for the test that proves both agree). */
export function parseYamlDocumentsOf(text: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message.split("\n")[0] ?? "YAML syntax error");
  return list.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
}

/** Canonical text of a value for review diffs: keys sorted at every level, so a diff is about content, not key order. */
export function toCanonicalYaml(value: unknown): string {
  return stringify(value, { ...STRINGIFY_OPTIONS, sortMapEntries: true });
}
