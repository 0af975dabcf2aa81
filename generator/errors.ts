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
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written\n` + problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
  }
}

export class GitError extends UserError {}

/** A file-system error that names its file: Node leaves the path out of some (EISDIR from a read). */
export function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e === "object" && e !== null && typeof e.code === "string" && e.path === undefined) e.path = path;
  return err;
}

/** What the file system says, in words a user can act on. */
const FS_REASONS: Record<string, string> = {
  EACCES: "permission denied: fix the file's permissions or run as its owner",
  EPERM: "operation not permitted: fix the file's permissions or run as its owner",
  EISDIR: "it is a directory where a file is expected: move the directory away",
  ENOTDIR: "a part of the path is a file where a directory is expected: move that file away",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exhausted",
  EMFILE: "too many open files: raise the limit (ulimit -n)",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "too many symbolic links in the path",
  ENOENT: "no such file or directory",
  EEXIST: "it already exists",
  EBUSY: "it is busy (locked by another program)",
};

/**
 * The one message a failure prints, and its exit code: a UserError as it is
 * (1 or 2), a file-system error with its file and what to do (1), anything
 * else as an internal error (1). Never a stack trace unless `debug` (--debug).
 */
export function failureReport(err: unknown, debug: boolean): { text: string; exitCode: 1 | 2 } {
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : "";
  if (err instanceof UserError) return { text: `error: ${err.message}${stack}\n`, exitCode: err.exitCode };
  const e = err as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (code !== undefined && FS_REASONS[code] !== undefined && typeof e?.path === "string") {
    const what = e.syscall ? `${e.syscall} ` : "";
    return { text: `error: cannot ${what}${e.path}: ${FS_REASONS[code]} (${code})${stack}\n`, exitCode: 1 };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    text: `error: internal error: ${message.split("\n")[0]}\nThis is a bug in kafka-gitops: run again with --debug for the stack trace and report it.${stack}\n`,
    exitCode: 1,
  };
}
