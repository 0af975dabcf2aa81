// The CLI as a team installs it: `npm pack`'s tarball installed into another
// folder (offline: the dependencies are bundled), run with npx, templates included.
import test from "ava";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { git } from "./support/git-repo.js";
import { REPO_ROOT } from "./support/paths.js";
import { tempDir } from "./support/temp.js";

const exec = promisify(execFile);

test("every runtime dependency is bundled into the tarball, so an offline install needs no registry", async (t) => {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; bundleDependencies: string[] };
  t.deepEqual(
    Object.keys(pkg.dependencies).filter((d) => !pkg.bundleDependencies.includes(d)),
    [],
    "add these to bundleDependencies in package.json",
  );
});

test("the packed tarball installs offline into another folder and runs with npx", async (t) => {
  const packs = await tempDir(t, "kafka-gitops-pack-");
  // The tests run on the compiled dist/ already; --ignore-scripts skips prepare's second build.
  const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--silent", "--json", "--pack-destination", packs], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed!.files.map((f) => f.path);
  t.true(files.includes("dist/generator/cli.js"));
  t.true(files.includes("generator/templates/environment-readme.hbs"), "templates are in the tarball");
  t.false(
    files.some((f) => f.startsWith("dist/test/") || f.startsWith("test/")),
    "no tests",
  );

  const repo = await tempDir(t, "kafka-gitops-user-");
  await writeFile(join(repo, "package.json"), JSON.stringify({ name: "platform", private: true }) + "\n");
  await exec("npm", ["install", "--offline", "--no-audit", "--no-fund", "--save-dev", join(packs, packed!.filename)], { cwd: repo });
  const npx = (...args: string[]) =>
    exec("npx", ["--offline", "kafka-gitops", ...args], { cwd: repo, env: { ...process.env, HOME: repo, GIT_CONFIG_NOSYSTEM: "1" } });

  const { version } = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  t.is((await npx("--version")).stdout, `kafka-gitops ${version}\n`);
  await git(repo, "init", "--quiet", "--initial-branch=main");
  await git(repo, "config", "user.name", "Test User");
  await git(repo, "config", "user.email", "test@example.com");
  await npx("init");
  const run = await npx("scaffold");
  t.regex(run.stdout, /committed [0-9a-f]{7} on main/);
  // The environment README comes from a template: it must have been found inside the installed package.
  t.regex(await readFile(join(repo, "overlays/dev/README.md"), "utf8"), /^# Kafka environment `dev`$/m);
});
