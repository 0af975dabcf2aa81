#!/usr/bin/env node
// npm run e2e -- [--dir REPO] [--fixture NAME]... [--env ENV]... [--scenario NAME]... [--json FILE] [--keep | --down]
// Runs what `overlays/<env>` renders in REPO as real Kafka in network namespaces (see e2e/README.md).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { imageRoot, installKafka, kafkaVersionOfImage } from "./kafka/index.js";
import { Cluster } from "./runner/cluster.js";
import { downAll, leftovers, STATE_DIR } from "./runner/net.js";
import { run } from "./runner/sh.js";
import { loadEnv, type EnvUnderTest } from "./scenarios/environment.js";
import { adminClientFiles, prepareSecurity } from "./scenarios/security.js";
import { SCENARIOS } from "./scenarios/index.js";
import type { Result } from "./scenarios/types.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const USAGE = `usage: npm run e2e -- [--dir REPO] [--fixture NAME]... [--env ENV]... [--scenario NAME|all]... [--json FILE] [--keep | --down] [--verbose]
  --dir REPO       repository whose overlays/<env> are run (default: this repository)
  --fixture NAME   instead of --dir: scaffold test/fixtures/NAME into a temporary copy and run that (repeatable)
  --env ENV        environment to run (repeatable; default: every overlays/<env>);
                   FIXTURE/ENV selects in a --fixture
  --scenario NAME  ${SCENARIOS.map((s) => s.name).join(", ")} or all (repeatable; default: boot)
  --json FILE      write the results as JSON
  --keep           leave the last environment's cluster running and print how to reach it
  --logs DIR       keep every container's log under DIR/<env>/ (the state folder itself is removed)
  --verbose        print the runner's events (pods, probes, tool calls) on stderr
  --down           remove everything a run (or --keep) left: kgo-* namespaces, bridge, state folder`;

interface Args {
  dirs: string[];
  fixtures: string[];
  envs: string[];
  scenarios: string[];
  json?: string;
  keep: boolean;
  down: boolean;
  verbose: boolean;
  logs?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { dirs: [], fixtures: [], envs: [], scenarios: [], keep: false, down: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) usage(`${k} needs a value`);
      return v as string;
    };
    if (k === "--dir") a.dirs.push(resolve(val()));
    else if (k === "--fixture") a.fixtures.push(val());
    else if (k === "--env") a.envs.push(val());
    else if (k === "--scenario") a.scenarios.push(val());
    else if (k === "--json") a.json = resolve(val());
    else if (k === "--keep") a.keep = true;
    else if (k === "--down") a.down = true;
    else if (k === "--verbose") a.verbose = true;
    else if (k === "--logs") a.logs = resolve(val());
    else if (k === "-h" || k === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else usage(`unknown argument ${k}`);
  }
  if (a.keep && a.down) usage("--keep and --down exclude each other");
  const known = new Set([...SCENARIOS.map((s) => s.name), "all"]);
  for (const s of a.scenarios) if (!known.has(s)) usage(`unknown scenario ${s}`);
  return a;
}

function usage(msg: string): never {
  console.error(`e2e: ${msg}\n${USAGE}`);
  process.exit(2);
}

async function which(cmd: string): Promise<boolean> {
  return (await run(["sh", "-c", `command -v ${cmd}`])).code === 0;
}

/** Everything the harness needs on the machine, all missing pieces at once. */
async function checkMachine(): Promise<void> {
  const missing: string[] = [];
  const need: [string, string][] = [
    ["kubectl", "kubectl (renders the overlays: kubectl kustomize)"],
    ["java", "java 17+ (runs Kafka: apt-get install openjdk-17-jre-headless)"],
    ["mvn", "mvn (installs Kafka's jars from Maven Central: apt-get install maven)"],
    ["ip", "ip (iproute2: apt-get install iproute2)"],
    ["unshare", "unshare (util-linux)"],
    ["nsenter", "nsenter (util-linux)"],
    ["setpriv", "setpriv (util-linux)"],
  ];
  for (const [cmd, why] of need) if (!(await which(cmd))) missing.push(why);
  if (process.getuid?.() !== 0) missing.push("root (network namespaces and mounts need it)");
  if (missing.length) {
    console.error(`e2e: missing on this machine:\n${missing.map((m) => `  - ${m}`).join("\n")}`);
    process.exit(1);
  }
}

async function fixtureDir(name: string): Promise<string> {
  const src = join(REPO, "test", "fixtures", name, "kafka-gitops.yaml");
  if (!existsSync(src)) usage(`no fixture ${name} (test/fixtures/${name}/kafka-gitops.yaml)`);
  const dir = mkdtempSync(join(tmpdir(), `kgo-e2e-fixture-${name}-`));
  cpSync(src, join(dir, "kafka-gitops.yaml"));
  const r = await run([process.execPath, join(REPO, "dist", "generator", "cli.js"), "scaffold", "--dir", dir, "--no-commit"]);
  if (r.code !== 0) throw new Error(`scaffolding fixture ${name} failed: ${r.stderr || r.stdout}`);
  return dir;
}

const line = (r: Result, note = "") =>
  `${r.passed ? "PASS" : note ? "XFAIL" : "FAIL"} ${r.env} ${r.scenario} (${r.seconds}s)` +
  ` voters=${JSON.stringify(r.voters)} leader=${r.leader ?? "-"} brokers=${JSON.stringify(r.brokersRegistered)}` +
  ` acked=${r.acked} lost=${r.lost} produceErrors=${r.produceErrors}: ${r.detail}${note ? ` [expected to fail: ${note}]` : ""}`;

let activeCluster: Cluster | undefined;
let keepRequested = false;
const tempDirs: string[] = [];

async function cleanup(): Promise<void> {
  if (activeCluster) await activeCluster.down();
  activeCluster = undefined;
  await downAll();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  if (args.down) {
    const removed = await downAll();
    console.log(removed.length ? `e2e: removed ${removed.join(", ")}` : "e2e: nothing to remove");
    return 0;
  }
  await checkMachine();
  const left = await leftovers();
  if (left.length) {
    console.error(`e2e: a previous run left ${left.join(", ")}; remove them with: npm run e2e -- --down`);
    return 1;
  }
  keepRequested = args.keep;
  const wanted = args.scenarios.length === 0 ? ["boot"] : args.scenarios;
  const scenarios = SCENARIOS.filter((s) => wanted.includes("all") || wanted.includes(s.name) || s.name === "boot");
  const dirs = [...args.dirs];
  for (const f of args.fixtures) {
    const d = await fixtureDir(f);
    tempDirs.push(d);
    dirs.push(d);
  }
  if (dirs.length === 0) dirs.push(REPO);

  const results: Result[] = [];
  let failed = 0;
  let passed = 0;
  const xfails: string[] = [];
  const plans: { dir: string; label: string; env: string }[] = [];
  for (const dir of dirs) {
    const label = args.fixtures.find((f) => dir.includes(`kgo-e2e-fixture-${f}-`)) ?? (dir === REPO ? "" : dir);
    // `--env E` selects in --dir repositories, `--env FIXTURE/E` in a fixture; none of its kind: every overlay.
    const isFixture = args.fixtures.includes(label);
    const mine = args.envs
      .filter((e) => (isFixture ? e.startsWith(`${label}/`) : !args.fixtures.some((f) => e.startsWith(`${f}/`))))
      .map((e) => (isFixture ? e.slice(label.length + 1) : e));
    const all = readdirSync(join(dir, "overlays"))
      .filter((e) => existsSync(join(dir, "overlays", e, "kustomization.yaml")))
      .sort();
    for (const env of mine.length ? mine : all) {
      if (!all.includes(env)) usage(`no overlays/${env} in ${isFixture ? `fixture ${label}` : dir}`);
      plans.push({ dir, label, env });
    }
  }
  for (const [i, plan] of plans.entries()) {
    const envLabel = plan.label ? `${plan.label}/${plan.env}` : plan.env;
    const last = i === plans.length - 1;
    let eut: EnvUnderTest | undefined;
    const cleanups: (() => void)[] = [];
    const log = args.verbose ? (m: string) => console.error(`  [${envLabel}] ${m}`) : undefined;
    let cluster = new Cluster({ imageRoot: imageRoot(), log });
    const t0 = Date.now();
    const record = (scenario: string, o: Partial<Result> & { passed: boolean; detail: string }, started: number, note = "") => {
      const r: Result = {
        env: envLabel,
        scenario,
        passed: o.passed,
        nodes: o.nodes ?? cluster.livePods().length,
        voters: o.voters ?? [],
        leader: o.leader ?? null,
        brokersRegistered: o.brokersRegistered ?? [],
        acked: o.acked ?? 0,
        lost: o.lost ?? 0,
        produceErrors: o.produceErrors ?? 0,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        detail: note ? `${o.detail} [expected to fail: ${note}]` : o.detail,
      };
      results.push(r);
      if (r.passed) passed++;
      else if (note) xfails.push(`${envLabel} ${scenario}: ${note}`);
      else failed++;
      console.log(line({ ...r, detail: o.detail }, r.passed ? "" : note));
    };
    try {
      eut = await loadEnv(plan.dir, plan.env);
      const install = await installKafka(kafkaVersionOfImage(eut.image));
      cluster = new Cluster({ imageRoot: imageRoot(), libDir: install.libDir, log });
      activeCluster = cluster;
      await cluster.up();
      const client = await cluster.client(eut.namespace);
      await prepareSecurity(cluster, eut);
      await cluster.apply(eut.objects);
      await cluster.waitHealthy(600_000);
      adminClientFiles(cluster, eut);
      const ctx = { cluster, client, env: eut, log: (m: string) => cluster.log(m), cleanup: cleanups };
      let first = true;
      for (const s of scenarios) {
        const started = first ? t0 : Date.now();
        first = false;
        const why = s.skip?.(eut);
        if (why) {
          console.log(`SKIP ${envLabel} ${s.name}: ${why}`);
          continue;
        }
        try {
          const o = await s.run(ctx);
          record(s.name, o, started, o.passed ? "" : (o.expectedFailure ?? ""));
        } catch (e) {
          record(s.name, { passed: false, detail: (e as Error).message }, started);
        }
        if (cluster.errors.length) throw new Error(`runner: ${cluster.errors.join("; ")}`);
      }
    } catch (e) {
      const msg = (e as Error).message;
      record(results.some((r) => r.env === envLabel) ? "runner" : "boot", { passed: false, detail: msg }, t0);
      if (args.verbose) console.error(cluster.events.slice(-40).join("\n"));
    } finally {
      for (const f of cleanups) f();
      if (args.logs && existsSync(join(STATE_DIR, "pods"))) cpSync(join(STATE_DIR, "pods"), join(args.logs, envLabel.replace(/\//g, "_")), { recursive: true });
      if (failed && !args.verbose) {
        const bad = cluster.livePods().filter((p) => !p.ready);
        for (const p of bad.slice(0, 2)) console.error(`--- ${p.name} (not ready) log tail:\n${cluster.logs(p, 15)}`);
      }
      if (args.keep && last && eut) {
        const client = await cluster.client(eut.namespace).catch(() => undefined);
        console.log(
          `e2e: kept ${envLabel}: client network namespace ${client?.slot.netns} (Kubernetes namespace ${eut.namespace}), bootstrap ${eut.bootstrap}`,
        );
        console.log(
          `e2e:   e.g. ip netns exec ${client?.slot.netns} java -cp '${cluster.opts.libDir}/*' org.apache.kafka.tools.TopicCommand --bootstrap-server ${eut.bootstrap} --list`,
        );
        console.log("e2e:   the pods keep running without their controllers (no restarts); remove everything with: npm run e2e -- --down");
        activeCluster = undefined;
      } else {
        await cluster.down();
        activeCluster = undefined;
        await downAll();
      }
    }
  }
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2) + "\n");
  if (xfails.length) console.log(`e2e: ${xfails.length} expected to fail (not counted as passed): ${xfails.join("; ")}`);
  console.log(`e2e: took ${Math.round((Date.now() - started) / 1000)}s for ${plans.length} environment(s)`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    console.error(`e2e: ${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  async (e: Error) => {
    console.error(`e2e: ${e.message}`);
    if (!keepRequested) await cleanup();
    process.exit(1);
  },
);
