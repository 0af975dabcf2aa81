// The build precompiles the Handlebars templates; a precompiled template must
// write exactly what compiling its source writes, and must be the one in use.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { readmeData } from "../generator/render/readme.js";
import { compileTemplate, isPrecompiled, renderTemplate, templateNames } from "../generator/render/template.js";
import { FIXTURES } from "./support/paths.js";
import { renderText } from "./support/render.js";

test("the build precompiled every template from its current source", (t) => {
  t.deepEqual(templateNames(), ["environment-readme", "init-config", "init-readme", "pr-summary"]);
  for (const name of templateNames()) t.true(isPrecompiled(name), `${name}: run npm run build`);
});

test("a precompiled README renders what the compiled template renders", async (t) => {
  const compiled = compileTemplate("environment-readme");
  let readmes = 0;
  for (const fixture of (await readdir(FIXTURES)).sort()) {
    const { model } = renderText(await readFile(join(FIXTURES, fixture, "kafka-gitops.yaml"), "utf8"));
    for (const em of model.environments) {
      const data = readmeData(model, em);
      t.is(renderTemplate("environment-readme", data), compiled(data), `${fixture}/${em.env.name}`);
      readmes++;
    }
  }
  t.true(readmes > 5);
});
