// How each kind of generated file starts: a header that marks it generated
// (the writer relies on it) and says how to change it.
import { GENERATED_MARKER, REGENERATE_HINT } from "../layout.js";
import { commentBlock, toYamlDocuments } from "../yaml-format.js";

const HEADER = [`${GENERATED_MARKER}. Do not edit: ${REGENERATE_HINT}.`];

/** A YAML file of one or more documents; `notes` are extra comment lines under the header that explain the file. */
export function yamlFile(documents: readonly unknown[], notes: readonly string[] = []): string {
  return commentBlock([...HEADER, ...notes]) + toYamlDocuments(documents);
}

/** A KEY=value file for a kustomize configMapGenerator (kustomize skips `#` lines). */
export function envFile(vars: Readonly<Record<string, string>>, notes: readonly string[] = []): string {
  return (
    commentBlock([...HEADER, ...notes]) +
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join("")
  );
}

/** A plain-text file with `#` comments, such as .gitattributes. */
export function hashCommentFile(lines: readonly string[], notes: readonly string[] = []): string {
  return commentBlock([...HEADER, ...notes]) + lines.map((l) => `${l}\n`).join("");
}

/** JSON has no comments: the marker goes into a `$comment` property. */
export function jsonFile(value: Record<string, unknown>): string {
  return JSON.stringify({ $comment: HEADER[0], ...value }, null, 2) + "\n";
}

/** Markdown: the marker is an HTML comment on the first line, invisible where the file is rendered. */
export function markdownFile(body: string): string {
  return `<!-- ${HEADER[0]} -->\n${body}`;
}
