/** A config with the given environment blocks (YAML flow mappings), for tests that vary a few keys. */
export const HEAD = `repo:\n  url: https://github.com/acme/kafka-gitops.git\n`;

export const config = (envs: Record<string, string>, kafka = "") =>
  `${HEAD}${kafka ? `kafka: ${kafka}\n` : ""}environments:\n${Object.entries(envs)
    .map(([name, body]) => `  ${name}: ${body}\n`)
    .join("")}`;
