// `npm run bench`: wall-clock medians of the CLI, run as a user runs it (a new
// node process per run), next to `node -e 0` measured in the same run so the
// ratio means the same on a fast and a slow machine. Not part of `npm test`:
// timings belong here, never in a test. Flags: --quick (fewer runs),
// --runs N, --sizes 10,100,... (fleet sizes), --diff-sizes (fleets to diff).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fleetConfigText } from "./fleet.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(ROOT, "dist", "bin", "kafka-gitops.js");

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    sizes: { type: "string", default: "10,100,200,500" },
    // kubectl kustomize dominates diff and takes minutes for big fleets on a busy machine.
    "diff-sizes": { type: "string" },
  },
});
const RUNS = values.runs !== undefined ? Number(values.runs) : values.quick ? 3 : 5;
const SIZES = values.sizes.split(",").map(Number);
const DIFF_SIZES = (values["diff-sizes"] ?? values.sizes).split(",").map(Number);
if (!Number.isInteger(RUNS) || RUNS < 1 || SIZES.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write("usage: npm run bench -- [--quick] [--runs N] [--sizes 10,100,500] [--diff-sizes 10,100]\n");
  process.exit(2);
}

// No global or system git config: the benchmark must not depend on (or touch) the developer's.
function childEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env["PATH"], HOME: home, GIT_CONFIG_NOSYSTEM: "1", LANG: process.env["LANG"] };
}

/**
 * CPU time (user + system, ms) of this process's finished children and theirs (git,
 * kubectl), from /proc on Linux; undefined elsewhere. On a busy machine wall time
 * includes waiting for a core, CPU time does not: the table shows both.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // Fields 16 and 17 of stat (cutime, cstime), counted from field 3 after the command name; in clock ticks (100 per second on Linux).
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

interface Sample {
  ms: number;
  cpu?: number;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, okCodes = [0]): Sample {
  const cpu0 = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu1 = childrenCpuMs();
  if (r.error || !okCodes.includes(r.status ?? -1))
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.error?.message}):\n${r.stderr?.toString()}${r.stdout?.toString().slice(0, 2000)}`);
  return { ms, ...(cpu0 !== undefined && cpu1 !== undefined && { cpu: cpu1 - cpu0 }) };
}

const git = (dir: string, home: string, ...args: string[]) => run("git", args, dir, childEnv(home));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Row {
  command: string;
  envs?: number;
  samples: Sample[];
  /** Why the command failed, when it did (the benchmark goes on with the next one). */
  failed?: string;
}

const rows: Row[] = [];
const baseline: Sample[] = [];

/**
 * Runs `once` RUNS times; `node -e 0` runs right before each sample, so a
 * machine that gets busier during the benchmark slows both sides alike.
 */
function measure(command: string, envs: number | undefined, once: (i: number) => Sample): void {
  const samples: Sample[] = [];
  const label = `${command}${envs !== undefined ? ` (${envs} environments)` : ""}`;
  try {
    for (let i = 0; i < RUNS; i++) {
      baseline.push(run(process.execPath, ["-e", "0"], ROOT, process.env));
      samples.push(once(i));
    }
  } catch (err) {
    const failed = (err as Error).message.split("\n").slice(0, 2).join(" ").slice(0, 160);
    rows.push({ command, ...(envs !== undefined && { envs }), samples, failed });
    process.stderr.write(`  ${label}: FAILED ${failed}\n`);
    return;
  }
  rows.push({ command, ...(envs !== undefined && { envs }), samples });
  const cpu = samples.every((x) => x.cpu !== undefined) ? `, ${median(samples.map((x) => x.cpu!)).toFixed(0)} ms CPU` : "";
  process.stderr.write(`  ${label}: ${median(samples.map((x) => x.ms)).toFixed(0)} ms${cpu}\n`);
}

const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv) => run(process.execPath, [CLI, ...args], cwd, env);

/** A new git repository with a local identity and the fleet's config, as a team would start. */
function newRepo(parent: string, name: string, config: string): string {
  const dir = join(parent, name);
  run("mkdir", ["-p", dir], parent, process.env);
  git(dir, parent, "init", "--quiet", "--initial-branch=main");
  git(dir, parent, "config", "user.name", "Bench");
  git(dir, parent, "config", "user.email", "bench@example.com");
  git(dir, parent, "config", "commit.gpgsign", "false");
  writeFileSync(join(dir, "kafka-gitops.yaml"), config);
  return dir;
}

function benchFleet(size: number, tmp: string): void {
  const parent = mkdtempSync(join(tmp, `fleet-${size}-`));
  const env = childEnv(parent);
  const config = fleetConfigText(size);
  let repo = "";
  measure("scaffold (with commit)", size, (i) => {
    repo = newRepo(parent, `repo-${i}`, config);
    return cli(["scaffold", "--dir", repo], repo, env);
  });
  measure("scaffold --check", size, () => cli(["scaffold", "--check", "--dir", repo], repo, env));
  if (!DIFF_SIZES.includes(size)) return;
  // A change to kafka.config touches base/common, so every environment renders differently on both sides.
  writeFileSync(join(repo, "kafka-gitops.yaml"), fleetConfigText(size, { "num.network.threads": 4 }));
  try {
    cli(["scaffold", "--no-commit", "--dir", repo], repo, env);
  } catch (err) {
    rows.push({ command: "diff (kubectl kustomize)", envs: size, samples: [], failed: `preparing the change: ${(err as Error).message.split("\n")[0]}` });
    return;
  }
  measure("diff (kubectl kustomize)", size, () => cli(["diff", "--dir", repo], repo, env));
}

const tmp = mkdtempSync(join(tmpdir(), "kafka-gitops-bench-"));
const load = loadavg()[0]!;
try {
  process.stderr.write(`kafka-gitops bench: ${RUNS} runs each, fleets of ${SIZES.join(", ")} environments\n`);
  measure("--help", undefined, () => cli(["--help"], ROOT, process.env));
  measure("scaffold --check (this repository)", undefined, () => cli(["scaffold", "--check"], ROOT, process.env));
  for (const size of SIZES) benchFleet(size, tmp);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const base = median(baseline.map((x) => x.ms));
const cpuOf = (samples: Sample[]) => (samples.every((x) => x.cpu !== undefined) ? median(samples.map((x) => x.cpu!)).toFixed(0) : "-");
const table = [
  ["command", "envs", "median ms", "x node -e 0", "ms/env", "cpu ms"],
  ["node -e 0", "", base.toFixed(0), "1.0", "", cpuOf(baseline)],
  ...rows.map((r) => {
    if (r.failed) return [r.command, r.envs !== undefined ? String(r.envs) : "", "failed", "", "", ""];
    const m = median(r.samples.map((x) => x.ms));
    return [
      r.command,
      r.envs !== undefined ? String(r.envs) : "",
      m.toFixed(0),
      (m / base).toFixed(1),
      r.envs !== undefined ? (m / r.envs).toFixed(1) : "",
      cpuOf(r.samples),
    ];
  }),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
const line = (row: string[]) => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
process.stdout.write(
  [
    `node ${process.version}, ${availableParallelism()} cores, load average ${load.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}; median of ${RUNS} runs each (node -e 0: median of all ${baseline.length} runs, one before each sample)`,
    "",
    line(table[0]!),
    `|${widths.map((w, c) => (c === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`,
    ...table.slice(1).map(line),
    ...rows.filter((r) => r.failed).map((r) => `failed: ${r.command}${r.envs !== undefined ? ` (${r.envs} environments)` : ""}: ${r.failed}`),
    "cpu ms: user + system time of the command and its children (git, kubectl), median; it does not grow when the machine is busy, wall time does.",
    "",
  ].join("\n"),
);
