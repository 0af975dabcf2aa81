// The directory a scaffold or diff works on, as the render needs to know it:
// where it sits in its git repository (Argo CD reads paths from the repository
// root), which overlays have a local/ folder, and the command that regenerates
// it. Reads only; the result goes into the render as plain options.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { loadConfig, parseConfig } from "./config/load.js";
import { withGeneratedList } from "./generated-list.js";
import { CONFIG_FILE, dirs, KUSTOMIZATION_FILES, NPX_COMMAND, REGENERATE_HINT, SCAFFOLD_COMMAND } from "./layout.js";
import { buildModel, type Model } from "./model/model.js";
import { packageRoot } from "./package-root.js";
import { renderTree } from "./render/render.js";
import { fileTree, type FileTree } from "./render/tree.js";

/** `dir` inside its git work tree, "" or ending in "/"; "" outside git (or without git). */
export function repoPath(dir: string): Promise<string> {
  return new Promise((resolve) => {
    execFile("git", ["rev-parse", "--show-prefix"], { cwd: dir }, (err, stdout) => resolve(err ? "" : stdout.trim()));
  });
}

/** The URL of the `origin` remote of the repository holding `dir`, if there is one. */
export function originUrl(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["remote", "get-url", "origin"], { cwd: dir }, (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined));
  });
}

/** Environments whose overlays/<env>/local/ holds a kustomization file. */
export function localOverlays(dir: string, envs: readonly string[]): Set<string> {
  return new Set(envs.filter((env) => KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, dirs.local(env), f)))));
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The header's "edit ... and run ...": this package's own checkout has `npm run
 * scaffold`; every other repository runs npx from its root, with --dir when the
 * tree sits in a subfolder.
 */
export function regenerateHint(dir: string, prefix: string, configPath: string): { hint: string; command: string } {
  if (prefix === "" && samePath(dir, packageRoot()) && relative(dir, configPath) === CONFIG_FILE)
    return { hint: REGENERATE_HINT, command: `${SCAFFOLD_COMMAND} --` };
  const rel = relative(dir, configPath);
  const inside = !rel.startsWith("..") && !isAbsolute(rel);
  const config = inside ? `${prefix}${rel}` : CONFIG_FILE;
  const flags = [prefix && `--dir ${prefix.replace(/\/$/, "")}`, inside && rel !== CONFIG_FILE && `--config ${prefix}${rel}`].filter(Boolean).join(" ");
  const command = `${NPX_COMMAND}${flags ? ` ${flags}` : ""}`;
  return { hint: `edit ${config} and run \`${command}\``, command };
}

/** Puts `hint` where the render wrote the default one (every header, and the READMEs' own sentence). */
export function withRegenerateHint(tree: FileTree, hint: string): FileTree {
  if (hint === REGENERATE_HINT) return tree;
  const command = /`([^`]+)`$/.exec(hint)![1]!;
  return fileTree(
    [...tree].map(([p, text]): [string, string] => [p, text.split(REGENERATE_HINT).join(hint).split(`\`${SCAFFOLD_COMMAND}\``).join(`\`${command}\``)]),
  );
}

/** local/ folders the overlay cannot include as they are: printed as warnings, never fatal (the folder is the team's). */
export function localWarnings(dir: string, model: Model): string[] {
  const out: string[] = [];
  for (const { env } of model.environments) {
    const folder = dirs.local(env.name);
    if (!existsSync(join(dir, folder))) continue;
    const file = KUSTOMIZATION_FILES.find((f) => existsSync(join(dir, folder, f)));
    if (file === undefined) {
      out.push(
        `warning: ${folder}/ has no kustomization.yaml, so the overlay does not include it; add one with \`kind: Component\` (see README.md, Your own files)`,
      );
      continue;
    }
    const text = readFileSync(join(dir, folder, file), "utf8");
    if (!/^kind:\s*["']?Component["']?\s*(#.*)?$/m.test(text))
      out.push(
        `warning: ${folder}/${file} is not a Kustomize Component: set \`apiVersion: kustomize.config.k8s.io/v1alpha1\` and \`kind: Component\`, or kubectl kustomize ${dirs.overlay(env.name)} fails`,
      );
  }
  return out;
}

export interface Target {
  tree: FileTree;
  model: Model;
  configText: string;
  /** See repoPath(). */
  prefix: string;
  local: ReadonlySet<string>;
  /** The scaffold command for this directory, to which flags can be appended ("npm run scaffold --" or "npx kafka-gitops scaffold --dir ..."). */
  command: string;
}

/**
 * The complete tree the scaffold writes into `dir` from `configPath`: the render
 * for this directory, plus the record of its files. `configText` renders another
 * version of the config (e.g. a revision's) as if it were at `configPath`.
 */
export async function renderTarget(dir: string, configPath: string, configText?: string, removeUsers: readonly string[] = []): Promise<Target> {
  // git starts first and runs while the config is read and validated.
  const prefixPromise = repoPath(dir);
  const { config, text } = configText === undefined ? await loadConfig(configPath) : { config: parseConfig(configText, configPath), text: configText };
  const model = buildModel(config);
  const prefix = await prefixPromise;
  const local = localOverlays(
    dir,
    model.environments.map((em) => em.env.name),
  );
  const { hint, command } = regenerateHint(dir, prefix, configPath);
  const tree = withRegenerateHint(withGeneratedList(renderTree(model, { repoPath: prefix, localOverlays: local, removeUsers })), hint);
  return { tree, model, configText: text, prefix, local, command };
}
