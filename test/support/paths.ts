import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** Repository root, from the compiled location dist/test/support/. */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const CLI = resolve(REPO_ROOT, "dist/generator/cli.js");
export const FIXTURES = resolve(REPO_ROOT, "test/fixtures");
