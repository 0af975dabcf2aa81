// Runs the compiled CLI as a user would, in a temporary repository, and
// returns its exit code and output instead of throwing on a non-zero exit.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CLI } from "./paths.js";

const exec = promisify(execFile);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  try {
    // HOME points at the repository so the developer's global git config cannot leak in.
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
      env: { PATH: process.env["PATH"], HOME: dir, GIT_CONFIG_NOSYSTEM: "1", ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Writes the config and runs the scaffold (committing unless told otherwise); fails loudly if the scaffold does. */
export async function scaffoldWith(dir: string, config: string, ...flags: string[]): Promise<Run> {
  await writeFile(join(dir, "kafka-gitops.yaml"), config);
  const run = await cli(dir, ["scaffold", "--dir", dir, ...flags]);
  if (run.code !== 0) throw new Error(`scaffold failed (${run.code}): ${run.stderr}${run.stdout}`);
  return run;
}

export const diff = (dir: string, ...args: string[]) => cli(dir, ["diff", "--dir", dir, ...args]);
