// Kafka by version: the jars of one Kafka release, from Maven Central through e2e/kafka/pom.xml,
// copied once into a cache folder outside the repository and reused by every later run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { UserError } from "../../generator/errors.js";
import { kafkaSourceDir } from "./paths.js";

export interface KafkaInstall {
  version: string;
  /** Folder with every jar of the runtime classpath: what the image has in /opt/kafka/libs. */
  libDir: string;
}

/** Written last into a finished libs folder, so a half-copied folder is never taken for an install. */
const COMPLETE_MARKER = ".complete";

/** `$KAFKA_GITOPS_E2E_CACHE`, default `~/.cache/kafka-gitops-e2e`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_GITOPS_E2E_CACHE || join(homedir(), ".cache", "kafka-gitops-e2e");
}

/**
 * The Kafka version an image runs, from its tag: `apache/kafka:4.3.1` -> `4.3.1`. Only the official
 * image with a 4.x release tag can be mapped to Maven artifacts; anything else is a clear error.
 */
export function kafkaVersionOfImage(image: string): string {
  const m = /^(?:docker\.io\/)?(?:library\/)?apache\/kafka:([^@]+)$/.exec(image);
  if (!m?.[1]) {
    throw new UserError(
      `e2e: cannot tell the Kafka version of image "${image}": the harness installs Kafka from Maven by the tag of apache/kafka:<version> (a digest-only or other image cannot be mapped); pin kafka.image to apache/kafka:4.x.y`,
    );
  }
  checkVersion(m[1]);
  return m[1];
}

function checkVersion(version: string): void {
  if (!/^4\.\d+\.\d+$/.test(version)) {
    throw new UserError(`e2e: Kafka version "${version}" is not supported: the harness runs Kafka 4.x releases (x.y.z), e.g. 4.3.1`);
  }
}

/**
 * Installs the jars of Kafka `version` (4.x) into `<cacheRoot>/kafka-<version>/libs` unless they are
 * already there. Idempotent and safe to interrupt: mvn copies into a fresh temporary folder that is
 * renamed into place only once complete.
 */
export async function installKafka(version: string, opts: { cache?: string } = {}): Promise<KafkaInstall> {
  checkVersion(version);
  const home = join(opts.cache ?? cacheRoot(), `kafka-${version}`);
  const libDir = join(home, "libs");
  if (existsSync(join(libDir, COMPLETE_MARKER))) {
    // Also mends a folder left private by an earlier harness version.
    await chmod(libDir, 0o755);
    return { version, libDir };
  }

  const mvn = findOnPath("mvn");
  if (!mvn) {
    throw new UserError(
      "e2e: mvn (Apache Maven) is not on PATH: the harness installs Kafka's jars from Maven Central with it; install Maven (e.g. apt-get install maven) and run again",
    );
  }
  await mkdir(home, { recursive: true });
  const tmp = await mkdtemp(join(home, "libs.tmp-"));
  try {
    // mkdtemp makes the folder private to root; containers read it as uid 1000.
    await chmod(tmp, 0o755);
    const argv = [
      "-q",
      "-B",
      "-Dstyle.color=never",
      "-f",
      join(kafkaSourceDir(), "pom.xml"),
      `-Dkafka.version=${version}`,
      `-Dlib.dir=${tmp}`,
      "dependency:copy-dependencies",
    ];
    const r = await runCapture(mvn, argv);
    if (r.code !== 0) {
      throw new UserError(
        `e2e: installing Kafka ${version} from Maven Central failed (mvn exit ${r.code}); is ${version} a released Kafka version? mvn said:\n${tail(r.output, 30)}`,
      );
    }
    const jars = (await readdir(tmp)).filter((f) => f.endsWith(".jar")).sort();
    if (!jars.includes(`kafka_2.13-${version}.jar`) || !jars.includes(`kafka-tools-${version}.jar`)) {
      throw new UserError(`e2e: mvn finished but ${tmp} lacks kafka_2.13-${version}.jar or kafka-tools-${version}.jar`);
    }
    await writeFile(join(tmp, COMPLETE_MARKER), jars.join("\n") + "\n");
    // A folder left by an interrupted older layout (no marker) is replaced.
    await rm(libDir, { recursive: true, force: true });
    try {
      await rename(tmp, libDir);
    } catch (e) {
      // Another run finished first: its folder is as good as ours.
      if (!existsSync(join(libDir, COMPLETE_MARKER))) throw e;
    }
    return { version, libDir };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    // A failed first install leaves no empty kafka-<version> folder behind.
    if ((await readdir(home)).length === 0) await rm(home, { recursive: true, force: true });
  }
}

function findOnPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function runCapture(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

function tail(text: string, lines: number): string {
  // mvn colours its output even in batch mode; the escapes are noise in an error message.
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  return plain
    .trimEnd()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-lines)
    .join("\n");
}
