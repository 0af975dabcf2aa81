#!/usr/bin/env node
// The `kafka-gitops` command (package.json bin, and the npm scripts): runs the
// bundled CLI with its code cache (code-cache.ts). The CLI itself is cli.ts.
import { bundleFiles, runBundle } from "./code-cache.js";

runBundle(bundleFiles());
