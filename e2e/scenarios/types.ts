// What every scenario gets and gives back.
import type { Client, Cluster } from "../runner/cluster.js";
import type { EnvUnderTest } from "./environment.js";

export interface Result {
  env: string;
  scenario: string;
  passed: boolean;
  nodes: number;
  voters: number[];
  leader: number | null;
  brokersRegistered: number[];
  acked: number;
  lost: number;
  produceErrors: number;
  seconds: number;
  detail: string;
}

/** What a scenario measured; the CLI adds env, scenario and seconds. */
export type Outcome = Partial<Omit<Result, "env" | "scenario" | "seconds">> & {
  passed: boolean;
  detail: string;
  /** A known failure, reported as such (never counted as passed). */
  expectedFailure?: string;
};

export interface Context {
  cluster: Cluster;
  client: Client;
  /** The environment as last applied (a change scenario replaces it). */
  env: EnvUnderTest;
  log: (msg: string) => void;
  /** Run at the end of the environment's run, also after a failure. */
  cleanup: (() => void)[];
}

export interface Scenario {
  name: string;
  /** Why it does not apply to this environment, or undefined when it does. */
  skip?(env: EnvUnderTest): string | undefined;
  run(ctx: Context): Promise<Outcome>;
}
