// generator/render/handlebars-runtime.ts as the bundled CLI has it (scripts/bundle-cli.ts
// swaps the two): the runtime is part of the bundle, read and compiled with it,
// instead of a dozen CommonJS files loaded from node_modules at the first README.
import runtime from "handlebars/runtime";

type HandlebarsModule = typeof import("handlebars");

export function handlebarsRuntime(): HandlebarsModule {
  return runtime as HandlebarsModule;
}
