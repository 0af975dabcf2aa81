// `kafka-gitops init`: the first step in a team's own repository (or a folder of
// one). Writes a commented starter kafka-gitops.yaml that validates and scaffolds
// as it is, the editor schema beside it, and a marked section in README.md.
// Never overwrites: an existing config stops it, an existing README only gains
// the section (once), an existing schema is left for the scaffold.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { UserError } from "./errors.js";
import { CONFIG_FILE, README_SECTION_END, README_SECTION_START, SCHEMA_FILE } from "./layout.js";
import type { Output } from "./output.js";
import { fileTree } from "./render/tree.js";
import { originUrl, regenerateHint, repoPath, withRegenerateHint } from "./target.js";

const README = "README.md";
const PLACEHOLDER_URL = "https://git.example.com/your-org/your-repository.git";

/** A URL Argo CD can clone: remotes that are plain paths (a bare repository on disk) become file:// URLs. */
export function cloneUrl(remote: string, dir: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/\s]+@[^/\s]+:/.test(remote)) return remote;
  return `file://${isAbsolute(remote) ? remote : resolve(dir, remote)}`;
}

function currentBranch(dir: string): Promise<string | undefined> {
  return new Promise((done) =>
    execFile("git", ["symbolic-ref", "--quiet", "--short", "HEAD"], { cwd: dir }, (err, stdout) => done(err ? undefined : stdout.trim() || undefined)),
  );
}

export async function runInit(opts: { dir: string }, out: Output): Promise<0> {
  const dir = resolve(opts.dir);
  const configPath = join(dir, CONFIG_FILE);
  if (existsSync(configPath))
    throw new UserError(
      `${configPath} already exists; init never overwrites a config (nothing was written). Edit it, and check it with \`npx kafka-gitops validate\`.`,
    );
  await mkdir(dir, { recursive: true });

  const [{ renderTemplate }, { renderJsonSchema }, { configSchema }] = await Promise.all([
    import("./render/template.js"),
    import("./render/render.js"),
    import("./config/schema.js"),
  ]);
  const [prefix, remote, revision] = await Promise.all([repoPath(dir), originUrl(dir), currentBranch(dir)]);
  const url = remote !== undefined ? cloneUrl(remote, dir) : PLACEHOLDER_URL;
  // The schema's own default image, so the starter pins what this version of kafka-gitops would use.
  const image = configSchema.parse({ repo: { url }, environments: { dev: {} } }).kafka.image;
  const { hint, command } = regenerateHint(dir, prefix, configPath);
  const flags = prefix ? ` --dir ${prefix.replace(/\/$/, "")}` : "";
  const commands: Array<[string, string]> = [
    [`npx kafka-gitops validate${flags}`, "check the config"],
    [`${command} --dry-run`, "what would change"],
    [command, "write base/, overlays/, clusters/ and commit them"],
    [`npx kafka-gitops diff${flags}`, "the rendered objects a change makes"],
  ];
  const width = Math.max(...commands.map(([c]) => c.length));

  await writeFile(
    configPath,
    renderTemplate("init-config", { command, placeholder: remote === undefined, url: JSON.stringify(url), revision: revision ?? "", image }),
  );
  out.info(`wrote ${CONFIG_FILE}${remote === undefined ? " (no origin remote: set repo.url)" : ` (repo.url ${url})`}`);
  if (!existsSync(join(dir, SCHEMA_FILE))) {
    // With the header the scaffold writes here, so its first run finds the file current.
    await writeFile(join(dir, SCHEMA_FILE), withRegenerateHint(fileTree([[SCHEMA_FILE, renderJsonSchema()]]), hint).get(SCHEMA_FILE)!);
    out.info(`wrote ${SCHEMA_FILE}`);
  }

  const section = renderTemplate("init-readme", {
    where: prefix ? `in \`${prefix}\`` : "of this repository",
    config: `${prefix}${CONFIG_FILE}`,
    commands: commands.map(([c, why]) => `${c.padEnd(width)}   # ${why}`),
    folder: prefix,
  });
  const readmePath = join(dir, README);
  const existing = existsSync(readmePath) ? await readFile(readmePath, "utf8") : undefined;
  const block = `${README_SECTION_START}\n${section}${README_SECTION_END}\n`;
  if (existing === undefined) {
    await writeFile(readmePath, block);
    out.info(`wrote ${README}`);
  } else if (existing.includes(README_SECTION_START)) {
    out.info(`${README} already has a kafka-gitops section: left as it is`);
  } else {
    // Appended after the team's own text, which stays byte for byte as it was.
    await appendFile(readmePath, `${existing === "" || existing.endsWith("\n") ? "" : "\n"}\n${block}`);
    out.info(`added a kafka-gitops section to the end of ${README}`);
  }
  out.info(`next: review ${CONFIG_FILE}, then run \`${command}\` (writes the tree and commits it with the config); commit ${README} yourself`);
  return 0;
}
