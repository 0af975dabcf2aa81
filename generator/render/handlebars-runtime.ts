// The Handlebars runtime (all a precompiled template needs), loaded on first use
// and synchronously (renderTree is synchronous), so a command that renders no
// template never reads it. The bundled CLI replaces this module with
// scripts/handlebars-runtime-bundled.ts, which has the runtime inside the bundle.
import { createRequire } from "node:module";

type HandlebarsModule = typeof import("handlebars");

export function handlebarsRuntime(): HandlebarsModule {
  return (createRequire(import.meta.url)("handlebars/runtime") as { default: HandlebarsModule }).default;
}
