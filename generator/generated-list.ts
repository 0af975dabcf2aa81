// The record of what the generator wrote (layout.GENERATED_LIST): written with
// every tree, read back to decide which files on disk are its own. A file it
// did not write is never rewritten or removed, whatever header it carries.
import { GENERATED_LIST, GENERATED_ROOTS, GENERATED_TOP_FILES, isLocalPath } from "./layout.js";
import { hashCommentFile } from "./render/files.js";
import { fileTree, type FileTree } from "./render/tree.js";

/** The tree plus its own record, listing every path of the tree. */
export function withGeneratedList(tree: FileTree): FileTree {
  const paths = [...tree.keys()].filter((p) => p !== GENERATED_LIST);
  const text = hashCommentFile(paths, [
    "Every file kafka-gitops wrote, one path per line. It rewrites or removes only these:",
    "any other file (overlays/<env>/local/, your own files, a copy of a generated file) is never touched.",
  ]);
  return fileTree([...tree, [GENERATED_LIST, text]]);
}

/** A path the generator may own: inside its roots (never in a local/ folder) or one of its top-level files; nothing else, whatever the list says. */
export function isGeneratorPath(path: string): boolean {
  if ((GENERATED_TOP_FILES as readonly string[]).includes(path)) return true;
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return false;
  return (GENERATED_ROOTS as readonly string[]).includes(segments[0]!) && segments.length > 1 && !isLocalPath(path);
}

/** The paths a list names (comments and blank lines skipped), the list itself included; paths outside the generator's places are ignored. */
export function parseGeneratedList(text: string): Set<string> {
  const out = new Set<string>([GENERATED_LIST]);
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (isGeneratorPath(line)) out.add(line);
  }
  return out;
}
