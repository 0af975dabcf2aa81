// Error types the CLI knows how to print. Everything the user can fix is a
// UserError with an exit code; anything else reaching the CLI is a bug.

export type ConfigPath = ReadonlyArray<string | number>;

export interface Problem {
  path: ConfigPath;
  message: string;
  /** 1-based position in the config file, for YAML syntax errors. */
  line?: number;
  column?: number;
}

/** Renders a config path the way a user would find it in the YAML: dotted, with keys that contain dots in brackets. */
export function formatPath(path: ConfigPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "(config root)";
}

export function formatProblem(p: Problem): string {
  const text = p.line !== undefined ? `line ${p.line}, column ${p.column ?? 1}: ${p.message}` : `${formatPath(p.path)}: ${p.message}`;
  // A problem may quote the config (a key, a value): its control characters must not reach the terminal raw.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command line: exit 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Every problem found in a config, reported together. */
export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
  }
}

export class GitError extends UserError {}
