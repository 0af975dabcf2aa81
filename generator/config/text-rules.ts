// Rules about the text of the config itself, before any key means anything:
// every string (keys too) must be one line of visible text, and URLs must not
// carry credentials. Generated files are line-based (kafka.env) or line-sensitive
// (YAML, Markdown tables); a line break in a value would start a new entry there.
import type { ConfigPath, Problem } from "../errors.js";

/**
 * C0 controls (newline, CR, tab, NUL, ESC...), DEL, C1 controls (NEL, CSI...),
 * the Unicode line and paragraph separators, the bidirectional overrides and
 * isolates (they make text read differently from what it is) and a stray BOM.
 */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

const NAMES: Readonly<Record<number, string>> = {
  0x00: "NUL",
  0x09: "tab",
  0x0a: "newline",
  0x0b: "vertical tab",
  0x0c: "form feed",
  0x0d: "carriage return",
  0x1b: "escape character",
  0x7f: "delete",
  0x85: "next-line character",
  0x2028: "line separator",
  0x2029: "paragraph separator",
  0xfeff: "byte order mark",
};

export function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES[code] ?? (code >= 0x202a ? "bidirectional control" : "control character");
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name} (${hex})`;
}

/** The first character no config string may contain, or undefined. */
export function forbiddenCharacter(s: string): string | undefined {
  return FORBIDDEN.exec(s)?.[0];
}

const TEXT_FIX = "write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)";

/**
 * Every key and string value of the raw YAML data with a forbidden character.
 * Iterative, so a deeply nested document cannot overflow the stack.
 */
export function textProblems(data: unknown): Problem[] {
  const problems: Problem[] = [];
  const stack: Array<[unknown, ConfigPath]> = [[data, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      const ch = forbiddenCharacter(value);
      if (ch) problems.push({ path, message: `contains ${describeCharacter(ch)}; ${TEXT_FIX}` });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], [...path, i]]);
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i]!;
        const ch = forbiddenCharacter(key);
        if (ch) problems.push({ path: [...path, key], message: `the key contains ${describeCharacter(ch)}; ${TEXT_FIX}` });
        else stack.push([inner, [...path, key]]);
      }
    }
  }
  return problems;
}

/**
 * Characters RFC 3986 allows in a URI. Anything else (spaces, quotes, `|`, `` ` ``,
 * `<>`, `\`, non-ASCII) must be percent-encoded; raw, it could end a Markdown
 * table cell or code span in a generated README.
 */
const URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/** Query parameters that carry a credential: access tokens, signed-URL signatures, passwords. */
const SECRET_PARAMETER = /^(x-amz-.*|.*token|.*password|passwd|pwd|secret|.*_secret|sig|signature|.*key|auth|authorization|credentials?|x-goog-.*)$/i;

const CREDENTIALS_FIX =
  "remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files";

/** Why a repository or API server URL must not be written into Git as it is, or undefined. */
export function urlProblem(url: string): string | undefined {
  if (forbiddenCharacter(url)) return undefined; // textProblems reports it
  if (!URI_CHARACTERS.test(url)) {
    const bad = [...url].find((c) => !URI_CHARACTERS.test(c)) ?? "";
    return `contains ${JSON.stringify(bad)}, which a URL cannot hold unencoded; percent-encode it (e.g. a space as %20)`;
  }
  // scp-like Git addresses (git@host:org/repo.git) carry only a user name, never a secret.
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // the schema's own URL check reports it
  }
  if (parsed.password !== "") return `holds a password (user:password@); ${CREDENTIALS_FIX}`;
  // ssh://git@host/... names the SSH user, which is not a secret; over http(s) user info is a token in disguise.
  if (parsed.username !== "" && !/^(ssh|git\+ssh):$/.test(parsed.protocol)) return `holds user info (a name before "@host", often a token); ${CREDENTIALS_FIX}`;
  for (const name of parsed.searchParams.keys())
    if (SECRET_PARAMETER.test(name)) return `has the query parameter ${JSON.stringify(name)}, which carries a credential; ${CREDENTIALS_FIX}`;
  if (/(^|[#&])(access_token|id_token|token)=/i.test(parsed.hash.slice(1))) return `has a token in its fragment; ${CREDENTIALS_FIX}`;
  return undefined;
}

/**
 * Why a branch or tag name is not one Git accepts (the rules of `git check-ref-format`,
 * plus no leading `-`, so it can never be read as a command-line option), or undefined.
 */
export function revisionProblem(rev: string): string | undefined {
  if (forbiddenCharacter(rev)) return undefined; // textProblems reports it
  const fix = "write a branch, tag or commit as Git names it, e.g. main or v1.2.0";
  if (rev.startsWith("-")) return `starts with "-"; ${fix}`;
  const bad = /[\s~^:?*[\\]/.exec(rev);
  if (bad) return `contains ${JSON.stringify(bad[0])}, which Git does not allow in a ref name; ${fix}`;
  if (/\.\.|@\{|\/\/|^\/|\/$|\.$|\.lock$|(^|\/)\./.test(rev) || rev === "@")
    return `is not a valid Git ref name (no "..", "@{", "//", leading or trailing "/" or ".", ".lock" ending); ${fix}`;
  return undefined;
}

function field(data: unknown, key: string): unknown {
  return data !== null && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>)[key] : undefined;
}

/** Control characters anywhere, credentials in repo.url and the servers, a revision Git would not accept. */
export function inputTextProblems(data: unknown): Problem[] {
  const problems = textProblems(data);
  const repo = field(data, "repo");
  const check = (value: unknown, path: ConfigPath, rule: (s: string) => string | undefined) => {
    const message = typeof value === "string" ? rule(value) : undefined;
    if (message) problems.push({ path, message });
  };
  check(field(repo, "url"), ["repo", "url"], urlProblem);
  check(field(repo, "revision"), ["repo", "revision"], revisionProblem);
  const envs = field(data, "environments");
  if (envs !== null && typeof envs === "object" && !Array.isArray(envs))
    for (const [name, env] of Object.entries(envs)) check(field(env, "server"), ["environments", name, "server"], urlProblem);
  return problems;
}
