// Every scenario, in the order one booted cluster runs them (state-changing ones last).
import { boot } from "./boot.js";
import { controllerFailover } from "./controller-failover.js";
import { killBroker } from "./kill-broker.js";
import { readme } from "./readme.js";
import { roll } from "./roll.js";
import { scaleUp } from "./scale-up.js";
import { security } from "./security.js";
import { securityTransition } from "./security-transition.js";
import { slowRecovery } from "./slow-recovery.js";
import { switchWorkload } from "./switch-workload.js";
import type { Scenario } from "./types.js";

export const SCENARIOS: Scenario[] = [boot, readme, security, killBroker, slowRecovery, controllerFailover, roll, scaleUp, switchWorkload, securityTransition];
