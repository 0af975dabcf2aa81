import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** Repository root, from the compiled location dist/test/support/. */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
/** The bundled CLI that `bin` and the npm scripts run (npm run build writes it). */
export const CLI = resolve(REPO_ROOT, "dist/bin/kafka-gitops.js");
export const FIXTURES = resolve(REPO_ROOT, "test/fixtures");
