// Turns raw YAML data into a resolved Config, or into the complete list of
// problems with their config paths. Pure: no I/O.
import type * as z from "zod";
import type { ConfigPath, Problem } from "../errors.js";
import { configInput, configSchema, resolveConfig, type Config } from "./schema.js";
import { configProblems, environmentProblems } from "./rules.js";
import { argocdProblems } from "./argocd-rules.js";
import { closest } from "./did-you-mean.js";
import { settingProblems } from "./kafka-rules.js";
import { inputTextProblems } from "./text-rules.js";

export type Validated = { ok: true; config: Config } | { ok: false; problems: Problem[] };

export function validateConfig(data: unknown): Validated {
  if (data === null || data === undefined)
    return { ok: false, problems: [{ path: [], message: "the config is empty; it needs at least repo.url and environments" }] };
  if (typeof data !== "object" || Array.isArray(data))
    return { ok: false, problems: [{ path: [], message: "the config must be a YAML mapping with repo, kafka and environments" }] };
  // Text and Kafka-setting rules read the raw data, so they are reported together with every schema problem.
  const rootCauses = inputTextProblems(data);
  const settings = settingProblems(data);
  const parsed = configSchema.safeParse(data, { reportInput: true });
  if (parsed.success) {
    const problems = [...rootCauses, ...settings, ...configProblems(parsed.data), ...argocdProblems(parsed.data)];
    return problems.length ? { ok: false, problems: withoutEchoes(rootCauses, problems) } : { ok: true, config: parsed.data };
  }
  const problems = parsed.error.issues.flatMap((i) => problemsFromIssue(i, []));
  return {
    ok: false,
    problems: withoutEchoes(rootCauses, [...rootCauses, ...settings, ...problems, ...rulesForValidEnvironments(data as Record<string, unknown>)]),
  };
}

/**
 * A value with a control character or a credential fails other checks too (not
 * a DNS label, not a number...); only the root cause is reported for its path,
 * and a problem found twice is reported once.
 */
function withoutEchoes(rootCauses: Problem[], problems: Problem[]): Problem[] {
  const key = (path: ConfigPath) => JSON.stringify(path);
  const roots = new Set(rootCauses.map((p) => key(p.path)));
  const under = (path: ConfigPath) => path.some((_, i) => roots.has(key(path.slice(0, i + 1)))) || roots.has(key([]));
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (!rootCauses.includes(p) && under(p.path)) return false;
    const id = `${key(p.path)} ${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * When part of the config is invalid, the environments that are valid on their
 * own still get their cross-key rules checked, so one run reports everything.
 */
function rulesForValidEnvironments(data: Record<string, unknown>): Problem[] {
  const envs = data["environments"];
  if (!envs || typeof envs !== "object") return [];
  const problems: Problem[] = [];
  for (const [name, env] of Object.entries(envs)) {
    // If kafka/repo are broken too, fall back to their defaults: the environment's own rules still apply.
    const single = [data, { repo: { url: "file:///x" } }]
      .map((outer) => configInput.safeParse({ ...outer, environments: { [name]: env } }))
      .find((r) => r.success);
    if (!single?.success) continue;
    const resolved = resolveConfig(single.data).environments[0];
    if (resolved) problems.push(...environmentProblems(resolved));
  }
  return problems;
}

function problemsFromIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): Problem[] {
  const path = [...prefix, ...issue.path].map((p) => (typeof p === "symbol" ? String(p) : p));
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownKeyMessage(key, allowedKeysAt(path)) }));
    case "invalid_key":
      return issue.issues.map((inner) => ({ path, message: inner.message }));
    case "invalid_type":
      if (issue.input === undefined) return [{ path, message: `is required (${expectedText(issue.expected)})` }];
      return [
        { path, message: issue.message.startsWith("Invalid input") ? `expected ${expectedText(issue.expected)}, got ${describe(issue.input)}` : issue.message },
      ];
    case "invalid_value":
      if (issue.values.length > 1 && issue.message.startsWith("Invalid option"))
        return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(issue.input)}` }];
      return [{ path, message: issue.message }];
    default:
      return [{ path, message: issue.message }];
  }
}

function expectedText(expected: string): string {
  return expected === "object" || expected === "record" ? "a mapping" : expected === "array" ? "a list" : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const close = closest(key, allowed);
  const hint = close ? `did you mean "${close}"? ` : "";
  return `unknown key; ${hint}allowed here: ${allowed.join(", ")}`;
}

/** Walks the schema along a config path to list the keys an object there accepts. */
export function allowedKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let node: unknown = configInput;
  for (const seg of [...path, null]) {
    node = unwrap(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (seg === null) return def["shape"] ? Object.keys(def["shape"] as object).filter((k) => k !== "$schema") : [];
    if (def["type"] === "object") node = (def["shape"] as Record<string, unknown>)[String(seg)];
    else if (def["type"] === "record") node = def["valueType"];
    else return [];
  }
  return [];
}

function unwrap(node: unknown): unknown {
  for (;;) {
    const def = (node as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return node;
    if (def["innerType"]) node = def["innerType"];
    else if (def["type"] === "pipe") node = def["in"];
    else return node;
  }
}
