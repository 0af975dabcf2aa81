// Every scenario, in the order one booted cluster runs them (state-changing ones last).
import { boot } from "./boot.js";
import { readme } from "./readme.js";
import type { Scenario } from "./types.js";

export const SCENARIOS: Scenario[] = [boot, readme];
