// readme: the commands of the environment's generated README ("Try it") work as written:
// `kubectl -n NS exec -it TARGET -- CMD` runs CMD in the pod TARGET picks, like kubectl does.
import type { Context, Outcome, Scenario } from "./types.js";
import { lastLines } from "./kafka.js";

export interface ReadmeCommand {
  comment: string;
  namespace: string;
  target: string;
  argv: string[];
}

/** The shell commands of the README's first ```sh block, continuation lines joined. */
export function readmeCommands(readme: string): ReadmeCommand[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README has no ```sh block");
  const out: ReadmeCommand[] = [];
  let comment = "";
  const lines = block.replace(/\\\n\s*/g, " ").split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("#")) {
      comment = line.slice(1).trim();
      continue;
    }
    const words = line.split(/\s+/);
    const m = /^kubectl -n (\S+) exec -it (\S+) -- (.*)$/.exec(words.join(" "));
    if (!m) throw new Error(`README command is not a kubectl exec: ${line}`);
    out.push({ comment, namespace: m[1] as string, target: m[2] as string, argv: (m[3] as string).split(" ") });
  }
  return out;
}

const MESSAGES = Array.from({ length: 5 }, (_, i) => `e2e-readme-${i + 1}`);

export const readme: Scenario = {
  name: "readme",
  async run(ctx: Context): Promise<Outcome> {
    const { cluster } = ctx;
    const cmds = readmeCommands(ctx.env.readme);
    const done: string[] = [];
    for (const c of cmds) {
      const pod = cluster.podFor(c.target, c.namespace);
      const what = c.comment.split(":")[0] ?? c.comment;
      if (c.argv[0]?.endsWith("kafka-console-producer.sh")) {
        // "type lines, Ctrl-D to stop": the lines on stdin, then end of input.
        const r = await cluster.exec(pod, c.argv, { input: MESSAGES.join("\n") + "\n", timeoutMs: 120_000 });
        if (r.code !== 0) return { passed: false, detail: `${what}: exit ${r.code}: ${lastLines(r.stderr, 3)}` };
      } else if (c.argv[0]?.endsWith("kafka-console-consumer.sh")) {
        // "Ctrl-C to stop": read until every line produced above arrived, then SIGINT.
        const child = cluster.execSpawn(pod, c.argv);
        child.stdin?.end();
        let out = "";
        let err = "";
        child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
        const got = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), 90_000);
          child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            if (MESSAGES.every((m) => out.split("\n").includes(m))) {
              clearTimeout(t);
              resolve(true);
            }
          });
          child.on("exit", () => {
            clearTimeout(t);
            resolve(MESSAGES.every((m) => out.split("\n").includes(m)));
          });
        });
        cluster.interrupt(child);
        await new Promise((r) => child.once("close", r));
        if (!got)
          return {
            passed: false,
            detail: `${what}: consumed ${JSON.stringify(out.trim().split("\n").slice(-5))}, expected ${MESSAGES.length} lines; ${lastLines(err, 3)}`,
          };
      } else {
        const r = await cluster.exec(pod, c.argv, { timeoutMs: 120_000 });
        if (r.code !== 0) return { passed: false, detail: `${what}: exit ${r.code}: ${lastLines(r.stderr || r.stdout, 3)}` };
        if (c.argv.includes("--describe") && c.argv.includes("demo") && !/Topic:\s*demo/.test(r.stdout))
          return { passed: false, detail: `${what}: no topic demo in ${lastLines(r.stdout, 2)}` };
        if (c.argv.includes("--status") && !/LeaderId:\s*\d+/.test(r.stdout))
          return { passed: false, detail: `${what}: no LeaderId in ${lastLines(r.stdout, 2)}` };
      }
      done.push(what);
    }
    return { passed: true, detail: `${cmds.length} README commands ran as written (${done.join(", ")}); ${MESSAGES.length} messages produced and consumed` };
  },
};
