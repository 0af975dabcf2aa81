// Rules about the Argo CD objects a config produces. They live apart from
// rules.ts because they concern names in Argo CD's namespace, not Kafka.
import type { Problem } from "../errors.js";
import { argoNames } from "../layout.js";
import type { Config } from "./schema.js";

export function argocdProblems(config: Config): Problem[] {
  const problems: Problem[] = [];
  const { project } = config.argocd;
  if (project === "default")
    problems.push({
      path: ["argocd", "project"],
      message:
        'must not be "default": Argo CD\'s built-in project permits every repository, cluster and kind, and the generated AppProject would replace it; choose another name (default: kafka.name)',
    });
  // Environment Applications and the clusters' root Applications share one namespace: a clash would make one overwrite the other.
  const names = argoNames(config.kafka.name, project);
  const roots = new Map(config.environments.map((e) => [names.root(e.cluster), e.cluster]));
  for (const env of config.environments) {
    const cluster = roots.get(names.application(env.name));
    if (cluster !== undefined)
      problems.push({
        path: ["environments", env.name],
        message: `its Argo CD Application would be named ${names.application(env.name)}, like the root Application of cluster ${cluster}; rename the environment`,
      });
  }
  return problems;
}
