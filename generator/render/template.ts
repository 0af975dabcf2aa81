// Handlebars templates for the human-readable files (environment READMEs, the
// pull-request summary). Templates live in generator/templates/*.hbs and are
// read from the package's own folder at run time, so dist/ never holds a stale
// copy. Handlebars is loaded on first use only and each template is compiled
// once; rendering is pure (same data, same text).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../package-root.js";
import { inlineCode, plural } from "../text.js";

type HandlebarsModule = typeof import("handlebars");
type Template = (data: unknown) => string;

let handlebars: HandlebarsModule | undefined;
const compiled = new Map<string, Template>();

/** generator/templates of the package (works from generator/, dist/generator/ and an installed tarball). */
export function templatesDir(): string {
  return join(packageRoot(), "generator", "templates");
}

export { inlineCode } from "../text.js";

/** A value inside a Markdown table cell: pipes and line breaks would end the cell. */
export function cell(value: unknown): string {
  return String(value).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function instance(): HandlebarsModule {
  if (!handlebars) {
    // createRequire keeps the load synchronous (renderTree is) and lazy (only READMEs and summaries need it).
    const hb = (createRequire(import.meta.url)("handlebars") as HandlebarsModule).create();
    hb.registerHelper("code", (v: unknown) => inlineCode(v));
    hb.registerHelper("cell", (v: unknown) => cell(v));
    hb.registerHelper("plural", (n: number, word: string) => plural(n, word));
    handlebars = hb;
  }
  return handlebars;
}

let compilations = 0;
/** How many templates were compiled in this process (each should be compiled once). */
export const templateCompilations = (): number => compilations;

/**
 * Renders generator/templates/<name>.hbs. Templates produce Markdown, so nothing
 * is HTML-escaped; the `code` and `cell` helpers quote values where needed.
 * `strict` makes a misspelt field an error instead of an empty string.
 */
export function renderTemplate(name: string, data: unknown): string {
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(join(templatesDir(), `${name}.hbs`), "utf8");
    template = instance().compile(source, { noEscape: true, strict: true });
    compilations++;
    compiled.set(name, template);
  }
  return template(data);
}
