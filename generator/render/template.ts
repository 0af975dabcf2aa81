// Handlebars templates for the human-readable files (environment READMEs, the
// pull-request summary). Templates live in generator/templates/*.hbs and are
// read from the package's own folder at run time, so dist/ never holds a stale
// copy. Handlebars is loaded on first use only and each template is compiled
// once; rendering is pure (same data, same text).
//
// Compiling costs more than everything else `scaffold --check` does for a small
// repository, so the build precompiles the templates (precompile-templates.ts):
// a precompiled template is used only while its source hash matches the .hbs
// file read now, and runs on the Handlebars runtime alone; otherwise the
// template is compiled here as before.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { handlebarsRuntime } from "./handlebars-runtime.js";
import { inlineCode, plural } from "../text.js";

type HandlebarsModule = typeof import("handlebars");
type Template = (data: unknown) => string;
type TemplateSpecification = Parameters<HandlebarsModule["template"]>[0];

let handlebars: HandlebarsModule | undefined;
let runtime: HandlebarsModule | undefined;
const compiled = new Map<string, Template>();

/** Options every template is compiled with, here and in the precompiled file. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;
/**
 * Written by precompile-templates.ts into dist/generator/render/. Found from the
 * package root, not from this module, because the bundled CLI (dist/bin/) holds
 * this module too.
 */
export function precompiledFile(): string {
  return join(packageRoot(), "dist", "generator", "render", "templates.compiled.cjs");
}

interface Precompiled {
  sha256: string;
  spec: TemplateSpecification;
}

let precompiled: Record<string, Precompiled> | undefined;

function precompiledTemplates(): Record<string, Precompiled> {
  if (!precompiled) {
    try {
      precompiled = createRequire(import.meta.url)(precompiledFile()) as Record<string, Precompiled>;
    } catch {
      precompiled = {};
    }
  }
  return precompiled;
}

export const sourceHash = (source: string): string => createHash("sha256").update(source).digest("hex");

/** generator/templates of the package (works from generator/, dist/generator/ and an installed tarball). */
export function templatesDir(): string {
  return join(packageRoot(), "generator", "templates");
}

export { inlineCode } from "../text.js";

/** A value inside a Markdown table cell: pipes and line breaks would end the cell. */
export function cell(value: unknown): string {
  return String(value).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The text of generator/templates/<name>.hbs. */
export function templateSource(name: string): string {
  return readFileSync(join(templatesDir(), `${name}.hbs`), "utf8");
}

/** Every template's name (the .hbs files). */
export function templateNames(): string[] {
  return readdirSync(templatesDir())
    .filter((f) => f.endsWith(".hbs"))
    .map((f) => f.slice(0, -".hbs".length))
    .sort();
}

function withHelpers(hb: HandlebarsModule): HandlebarsModule {
  hb.registerHelper("code", (v: unknown) => inlineCode(v));
  hb.registerHelper("cell", (v: unknown) => cell(v));
  hb.registerHelper("plural", (n: number, word: string) => plural(n, word));
  return hb;
}

// createRequire keeps the load synchronous (renderTree is) and lazy (only READMEs and summaries need it).
function instance(): HandlebarsModule {
  handlebars ??= withHelpers((createRequire(import.meta.url)("handlebars") as HandlebarsModule).create());
  return handlebars;
}

let compilations = 0;
/** How many templates were compiled in this process (each should be compiled once). */
export const templateCompilations = (): number => compilations;
/** The runtime without the compiler: all a precompiled template needs. */
function runtimeInstance(): HandlebarsModule {
  runtime ??= withHelpers(handlebarsRuntime().create());
  return runtime;
}

/** Compiles the template from its source, never from the precompiled file (the test compares both). */
export function compileTemplate(name: string): Template {
  return instance().compile(templateSource(name), COMPILE_OPTIONS);
}

/** True when `name` runs from the precompiled file (its source has not changed since the build). */
export function isPrecompiled(name: string): boolean {
  return precompiledTemplates()[name]?.sha256 === sourceHash(templateSource(name));
}

function loadTemplate(name: string): Template {
  compilations++;
  const source = templateSource(name);
  const pre = precompiledTemplates()[name];
  if (pre && pre.sha256 === sourceHash(source)) return runtimeInstance().template(pre.spec) as Template;
  return instance().compile(source, COMPILE_OPTIONS);
}

/**
 * Renders generator/templates/<name>.hbs. Templates produce Markdown, so nothing
 * is HTML-escaped; the `code` and `cell` helpers quote values where needed.
 * `strict` makes a misspelt field an error instead of an empty string.
 */
export function renderTemplate(name: string, data: unknown): string {
  let template = compiled.get(name);
  if (!template) {
    template = loadTemplate(name);
    compiled.set(name, template);
  }
  return template(data);
}
