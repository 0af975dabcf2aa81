// Renders generated trees with the real `kubectl kustomize`, as Argo CD's repo server would.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import type { FileTree } from "../../generator/render/tree.js";
import { tempDir } from "./temp.js";

const run = promisify(execFile);

export async function kustomize(dir: string): Promise<any[]> {
  const { stdout } = await run("kubectl", ["kustomize", dir], { maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS())
    .filter((o) => o !== null);
}

export async function kustomizeText(dir: string): Promise<string> {
  return (await run("kubectl", ["kustomize", dir], { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

export async function writeTree(tree: FileTree, dir?: string): Promise<string> {
  const root = dir ?? (await tempDir("tree"));
  for (const [path, text] of tree) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}
