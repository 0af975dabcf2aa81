// How the CLI talks to a person: results on stdout, warnings and errors on
// stderr, colour only when that stream is a terminal and never with NO_COLOR
// (https://no-color.org). The commands print plain lines; colour is added here,
// at the edge, so tests and pipes always see plain text.

export interface Output {
  /** What happened: summaries, file lists, diffs. */
  info(line: string): void;
  /** Warnings and notes a person must not miss. */
  warn(line: string): void;
}

export type Print = (line: string) => void;

/** One function for both streams (tests, and callers that collect every line). */
export function toOutput(print: Print | Output): Output {
  return typeof print === "function" ? { info: print, warn: print } : print;
}

export function colourEnabled(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && !env["NO_COLOR"] && env["TERM"] !== "dumb";
}

const sgr = (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m`;

/** Colours a line by what it is: warnings yellow, errors red, diff lines green/red/cyan. */
export function paint(line: string): string {
  const label = /^(\s*)(warning|error|refused|note):/.exec(line);
  if (label) {
    const code = label[2] === "warning" || label[2] === "note" ? 33 : 31;
    return label[1] + sgr(code, `${label[2]}:`) + line.slice(label[0].length);
  }
  if (/^\+(?!\+\+ )/.test(line)) return sgr(32, line);
  if (/^-(?!-- )/.test(line)) return sgr(31, line);
  if (line.startsWith("@@")) return sgr(36, line);
  return line;
}

type Stream = { isTTY?: boolean; write(text: string): unknown };

/** Writes `text` (one or more lines) to the stream, coloured when that stream is a terminal. */
export function writer(stream: Stream, env: Readonly<Record<string, string | undefined>> = process.env): (text: string) => void {
  const colour = colourEnabled(stream, env);
  return (text) => {
    stream.write(colour ? text.split("\n").map(paint).join("\n") : text);
  };
}

/** The process's own stdout and stderr. */
export function terminalOutput(): Output {
  const out = writer(process.stdout);
  const err = writer(process.stderr);
  return { info: (line) => out(line + "\n"), warn: (line) => err(line + "\n") };
}
