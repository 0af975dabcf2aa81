// The config contract: every key, its default and its description live here and
// nowhere else. Defaults that depend on other keys (namespace, controllers,
// heap, ...) are filled by the transform at the end of this file, so the rest of
// the generator only ever sees a fully resolved config.
import * as z from "zod";
import { parseQuantity, parseJvmSize, formatJvmSize, quantityProblem, type QuantityKind } from "../quantity.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

// Messages follow the config path they are printed after ("environments.dev.brokers: must be ..."), so they do not repeat it.
const dnsLabel = (max = 63) =>
  z
    .string({ error: "must be a string" })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(DNS_LABEL, {
      error:
        "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)",
    });

/** A quantity Kubernetes accepts and that makes sense for `kind`; the message says what to write instead. */
const quantity = (kind: QuantityKind) =>
  z.string({ error: 'must be a Kubernetes quantity in quotes, e.g. "1Gi", "512Mi" or "250m"' }).superRefine((q, ctx) => {
    const problem = quantityProblem(q, kind);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** The image when neither kafka.image nor an environment names one. */
export const DEFAULT_IMAGE = "apache/kafka:4.3.1";

/** Kafka's own images and mirrors of them; a pinned tag or digest keeps renders reproducible and upgrades reviewable. */
const image = z.string({ error: "must be a string like apache/kafka:4.3.1" }).superRefine((ref, ctx) => {
  const problem = imageProblem(ref);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export function splitImage(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf("@");
  if (at >= 0) return { name: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(":");
  if (colon > ref.lastIndexOf("/")) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref };
}

function imageProblem(ref: string): string | undefined {
  const { name, tag, digest } = splitImage(ref);
  if (!/^[a-z0-9]+([._/:-][a-z0-9]+)*$/.test(name)) return `"${ref}" is not an image reference; write e.g. apache/kafka:4.3.1`;
  if (digest !== undefined) return /^sha256:[a-f0-9]{64}$/.test(digest) ? undefined : `"${ref}" has an invalid digest`;
  if (tag === undefined || tag === "latest")
    return `"${ref}" is not pinned; write a version tag such as apache/kafka:4.3.1 (latest changes under Argo CD without a commit)`;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `"${ref}" has an invalid tag`;
  const major = /^(\d+)\.\d+/.exec(tag)?.[1];
  if (major !== undefined && Number(major) < 4)
    return `"${ref}" is Kafka ${tag}; kafka-gitops generates KRaft configuration for Kafka 4.x (ZooKeeper was removed in 4.0): use e.g. apache/kafka:4.3.1`;
  return undefined;
}

const configValue = z.union([z.string(), z.number(), z.boolean()], {
  error: "must be a string, number or boolean (a server.properties value)",
});

// Keys and values are checked against Kafka's own definitions of the environment's version in kafka-rules.ts.
const kafkaSettings = z.record(z.string(), configValue).default({}).describe("server.properties keys and values, e.g. `log.retention.ms: 604800000`.");

const storageSchema = z
  .strictObject({
    size: quantity("storage").default("5Gi").describe("Size of each node's data volume."),
    storageClass: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a StorageClass name" })
      .optional()
      .describe("StorageClass of the data volumes. Default: the cluster's default class."),
  })
  .default({ size: "5Gi" })
  .describe("Persistent volume per node. A volume can grow (if the class allows) but never shrink or move.");

const resourcesSchema = z
  .strictObject({
    requests: z
      .strictObject({
        cpu: quantity("cpu").default("250m"),
        memory: quantity("memory").default("2Gi"),
      })
      .default({ cpu: "250m", memory: "2Gi" }),
    limits: z
      .strictObject({
        cpu: quantity("cpu").optional().describe("Default: none (CPU limits throttle brokers)."),
        memory: quantity("memory").optional().describe("Default: resources.requests.memory."),
      })
      .default({}),
  })
  .default({ requests: { cpu: "250m", memory: "2Gi" }, limits: {} })
  .describe("Container resources of each Kafka node.");

const heapSchema = z
  .string()
  .refine(
    (s) => {
      try {
        return parseJvmSize(s) > 0;
      } catch {
        return false;
      }
    },
    { error: "must be a JVM size such as 512m or 2g" },
  )
  .optional()
  .describe("JVM heap (-Xmx and -Xms). Default: half the memory limit, at most 6g; the rest of the memory is page cache.");

const controllerNodesSchema = z.strictObject({
  storage: storageSchema.describe("Volume of each controller-only node (it holds the metadata log only)."),
  resources: resourcesSchema.describe("Container resources of each controller-only node."),
  heap: heapSchema,
});

/** A label value (Kubernetes: at most 63 characters, alphanumeric at both ends, `-_.` inside). */
const labelValue = z
  .string({ error: "must be a string" })
  .max(63, { error: "must be at most 63 characters (a label value)" })
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
    error: "must be a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  });

/** A label key: an optional DNS-subdomain prefix (at most 253 characters) and `/`, then a name of at most 63. */
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelKey = z.string({ error: "must be a string" }).refine(
  (key) => {
    const slash = key.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = key.slice(slash + 1);
    return (prefix === undefined || (prefix.length <= 253 && LABEL_PREFIX.test(prefix))) && name.length <= 63 && LABEL_NAME.test(name);
  },
  { error: "must be a node label key such as topology.kubernetes.io/zone (an optional DNS prefix and '/', then a name of at most 63 characters)" },
);

const rackSchema = z
  .strictObject({
    topologyKey: labelKey.default("topology.kubernetes.io/zone").describe("The node label whose value names a node's zone (its failure domain)."),
    zones: z
      .array(labelValue, { error: "must be a list of zone names, e.g. [eu-west-1a, eu-west-1b, eu-west-1c]" })
      .min(2, { error: "must list at least 2 zones (one zone is no rack awareness)" })
      .superRefine((zones, ctx) => {
        const twice = zones.filter((z, i) => zones.indexOf(z) !== i);
        if (twice.length)
          ctx.addIssue({
            code: "custom",
            message: `lists ${[...new Set(twice)].join(", ")} more than once; give each zone once (node i runs in zones[i mod n])`,
          });
      })
      .describe(
        "Values of topologyKey, one per zone. Node i (in node-id order; controller-only nodes by their own index) runs in zones[i mod n] and brokers get broker.rack = their zone. On a running cluster a change that moves an existing node to another zone is refused (its volume is zonal).",
      ),
  })
  .describe(
    "Rack awareness (deployment-per-broker only): each node is pinned to one zone by a required node affinity and each broker's broker.rack is that zone, so Kafka puts a partition's replicas in different zones.",
  );

/**
 * A principal: a SCRAM user name or a certificate's common name. Kept to DNS-like names because it
 * becomes a Kubernetes object name, a folder in the users Job and an argument of a shell script.
 */
const principalName = z
  .string({ error: "must be a string" })
  .max(57, { error: "must be at most 57 characters (it becomes part of a Kubernetes object name)" })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    error: "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
  });

const secretName = z
  .string({ error: "must be a string" })
  .max(253, { error: "must be at most 253 characters" })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be the name of a Kubernetes Secret (a DNS-1123 subdomain)" });

const securitySchema = z
  .strictObject({
    tls: z
      .strictObject({
        issuer: z
          .strictObject({
            kind: z.enum(["Issuer", "ClusterIssuer"]).default("ClusterIssuer").describe("An Issuer in the environment's namespace or a ClusterIssuer."),
            name: secretName.describe("Its name, e.g. internal-ca."),
          })
          .optional()
          .describe(
            "The cert-manager issuer of the nodes' certificates; it must fill ca.crt (a CA, Vault or self-signed chain does). Default: a CA of this environment's own, generated by cert-manager (a self-signed Issuer signs it), so no other environment's certificates are trusted.",
          ),
      })
      .optional()
      .describe("Certificates from cert-manager for every listener. Without it every listener is PLAINTEXT, as without `security`."),
    clients: z
      .enum(["scram", "mtls", "none"])
      .default("scram")
      .describe(
        "How clients authenticate on the client listener (port 9094): scram = SASL_SSL with SCRAM-SHA-512, mtls = TLS client certificates (principal = the certificate's CN), none = TLS without identity (every client is User:ANONYMOUS).",
      ),
    internal: z
      .enum(["tls", "plaintext"])
      .optional()
      .describe(
        "Inter-broker and controller traffic: tls = mutual TLS with the nodes' certificate; plaintext = the PLAINTEXT listener (9092) that only Kafka's own pods may reach. Default: tls, plaintext during a transition (a running cluster keeps its quorum listener).",
      ),
    transition: z
      .boolean()
      .default(false)
      .describe(
        "Turning security on for a running environment: keep the PLAINTEXT listener open to clients while they move to port 9094, then set it to false (a NetworkPolicy change, no roll).",
      ),
    users: z
      .array(
        z.strictObject({
          name: principalName.describe("The principal (User:<name>)."),
          secret: secretName.describe(
            "scram: the Secret in the environment's namespace that holds the password, created by the team or a secrets operator; mtls: the Secret cert-manager writes the user's certificate into.",
          ),
          key: z
            .string()
            .regex(/^[-._a-zA-Z0-9]+$/, { error: "must be a Secret key name" })
            .default("password")
            .describe("scram: the key of the password in that Secret."),
        }),
      )
      .default([])
      .describe(
        "Principals that exist. scram: a Job creates or updates their credentials after every sync; mtls: each gets a client certificate. Removing one never deletes it unless --allow-remove-user NAME.",
      ),
    superUsers: z
      .array(principalName)
      .default([])
      .describe("Principals allowed everything (super.users), beside the nodes' and the admin principal. Everyone else needs an ACL."),
  })
  .superRefine((s, ctx) => {
    if (s.tls === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["tls"],
        message: "is required: write `tls: {}` for certificates from a CA of the environment's own, or name an issuer",
      });
    if (s.transition && s.internal === "tls")
      ctx.addIssue({
        code: "custom",
        path: ["internal"],
        message: "must be plaintext during a transition: the running cluster's inter-broker and quorum traffic stays on its PLAINTEXT listeners",
      });
    if (s.clients === "none" && s.users.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["users"],
        message: "needs clients: scram or mtls (with clients: none no client has an identity); remove it or choose a mode",
      });
    const names = s.users.map((u) => u.name);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    if (twice.length) ctx.addIssue({ code: "custom", path: ["users"], message: `lists ${[...new Set(twice)].join(", ")} more than once; give each user once` });
  })
  .describe(
    "TLS, authentication and authorization. With it: TLS on every listener (certificates from cert-manager), clients authenticated, KRaft's StandardAuthorizer with nothing allowed without an ACL, and no secret in Git.",
  );

const CLUSTER_ID = /^[A-Za-z0-9_-]{22}$/;

/** One environment as the user writes it; omitted derived keys are filled in by resolveConfig. */
const environmentInput = z
  .strictObject({
    cluster: dnsLabel().optional().describe("Folder clusters/<cluster>/ that holds this environment's Argo CD objects. Default: the environment name."),
    server: z
      .url({ protocol: /^https?$/, error: "must be the https:// URL of a Kubernetes API server, e.g. https://kubernetes.default.svc" })
      .default("https://kubernetes.default.svc")
      .describe("Argo CD destination server. Default: the cluster Argo CD runs in."),
    namespace: dnsLabel().optional().describe("Kubernetes namespace of the Kafka cluster. Default: <kafka.name>-<environment>."),
    brokers: z
      .number({ error: "must be a whole number" })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be at least 1" })
      .max(99, { error: "must be at most 99" })
      .default(1)
      .describe("Number of Kafka nodes that serve clients."),
    controllers: z
      .union([z.literal(1), z.literal(3), z.literal(5)], {
        error: "must be 1, 3 or 5 (an odd quorum: 3 survives one failure, 5 survives two)",
      })
      .optional()
      .describe(
        "KRaft voters. combined: the first `controllers` brokers are also voters. dedicated: this many controller-only nodes (3 or 5). Never change it on a running cluster. Default: 1 for 1-2 brokers, 3 for 3 or more, 3 when dedicated.",
      ),
    topology: z
      .enum(["combined", "dedicated"])
      .default("combined")
      .describe(
        "combined: the first `controllers` brokers are also KRaft voters (small clusters). dedicated: `controllers` extra controller-only nodes and `brokers` broker-only nodes, Kafka's recommended production layout. Never change it on a running cluster.",
      ),
    controllerNodes: controllerNodesSchema
      .optional()
      .describe("Settings of the controller-only nodes; only with topology: dedicated. Default: 5Gi, 250m CPU, 2Gi memory."),
    clients: z
      .strictObject({
        namespaces: z.array(dnsLabel()).optional().describe("Namespaces whose pods may connect to the client port. Default: the environment's own namespace."),
      })
      .default({})
      .describe("Who may reach Kafka: a NetworkPolicy admits these namespaces on the client port and only Kafka's own pods on the controller port."),
    workload: z.enum(["statefulset", "deployment-per-broker"]).optional().describe("Override of kafka.workload for this environment."),
    image: image.optional().describe("Override of kafka.image for this environment (e.g. try an upgrade in dev first)."),
    clusterId: z
      .string()
      .regex(CLUSTER_ID, { error: "must be 22 characters of base64url (16 random bytes), e.g. from `kafka-storage.sh random-uuid`" })
      .optional()
      .describe(
        "KRaft cluster id. Default: derived from kafka.name and the environment name, so it never changes on re-generation. Set it only to adopt existing volumes.",
      ),
    storage: storageSchema,
    resources: resourcesSchema,
    heap: heapSchema,
    spread: z
      .enum(["required", "preferred"])
      .optional()
      .describe(
        "How Kafka pods spread over nodes: required = never two on one node (extra pods stay Pending), preferred = best effort. Default: required with 3 or more brokers.",
      ),
    nodes: z
      .array(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "must be a node name (its kubernetes.io/hostname label)" }))
      .optional()
      .describe(
        "Pin brokers to worker nodes by their kubernetes.io/hostname: broker i runs on nodes[i] (deployment-per-broker); a StatefulSet is restricted to these nodes. One entry per broker.",
      ),
    rack: rackSchema.optional(),
    security: securitySchema.optional(),
    sync: z
      .strictObject({
        automated: z.boolean().default(true).describe("Argo CD applies every commit by itself."),
        prune: z.boolean().default(true).describe("Argo CD deletes objects removed from Git (never the data volumes)."),
        selfHeal: z.boolean().default(true).describe("Argo CD reverts changes made in the cluster by hand."),
      })
      .default({ automated: true, prune: true, selfHeal: true })
      .describe("Argo CD sync policy of this environment's Application."),
    config: kafkaSettings.describe("server.properties keys for this environment; they win over kafka.config."),
  })
  .superRefine((env, ctx) => {
    if (env.controllerNodes !== undefined && env.topology !== "dedicated")
      ctx.addIssue({
        code: "custom",
        path: ["controllerNodes"],
        message: "only applies to topology: dedicated (with combined nodes every voter is also a broker); remove it or set topology: dedicated",
      });
  })
  .describe("One Kafka cluster: where it runs and how big it is.");

const repoUrl = z.string({ error: "must be a string" }).regex(/^(https?:\/\/\S+|ssh:\/\/\S+|file:\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/, {
  error: "must be a Git URL Argo CD can pull: https://..., ssh://..., git@host:org/repo.git or file://...",
});

export const configInput = z
  .strictObject({
    $schema: z.string().optional().describe("Editor hint; ignored by the generator."),
    repo: z
      .strictObject({
        url: repoUrl.describe("The Git URL Argo CD pulls this repository from."),
        revision: z.string().min(1).default("main").describe("Branch (or tag) Argo CD tracks."),
      })
      .describe("This repository, as Argo CD sees it."),
    kafka: z
      .strictObject({
        name: dnsLabel(40).default("kafka").describe("Prefix of every Kubernetes object name."),
        image: image.default(DEFAULT_IMAGE).describe("The apache/kafka image, with a pinned tag."),
        workload: z
          .enum(["statefulset", "deployment-per-broker"])
          .default("statefulset")
          .describe("statefulset: one StatefulSet per node role. deployment-per-broker: one Deployment, Service and PVC per broker."),
        config: kafkaSettings.describe("server.properties keys for every environment."),
      })
      .default({ name: "kafka", image: DEFAULT_IMAGE, workload: "statefulset", config: {} })
      .describe("Settings every environment shares."),
    argocd: z
      .strictObject({
        namespace: dnsLabel().default("argocd").describe("Namespace Argo CD runs in; Applications and the AppProject go there."),
        project: dnsLabel().optional().describe("AppProject of the Kafka Applications (never `default`). Default: kafka.name."),
      })
      .default({ namespace: "argocd" })
      .describe("Where the Argo CD objects live."),
    environments: z
      .record(dnsLabel(40), environmentInput)
      .refine((envs) => Object.keys(envs).length > 0, { error: "define at least one environment, e.g. `dev: { brokers: 1 }`" })
      .describe("Environments by name (a DNS-1123 label): each becomes overlays/<name>/."),
  })
  .describe("kafka-gitops: one file that describes Kafka clusters for several environments.");

export type ConfigInput = z.output<typeof configInput>;
type EnvironmentInput = z.output<typeof environmentInput>;

const GiB = 1024 ** 3;
const MAX_DEFAULT_HEAP = 6 * GiB;
const MiB = 1024 ** 2;

export function defaultHeap(memoryLimit: string): string {
  // At least 1 MiB so a tiny limit still resolves; rules.ts refuses a limit that small with its own message.
  const half = Math.max(MiB, Math.floor(parseQuantity(memoryLimit) / 2 / MiB) * MiB);
  return formatJvmSize(Math.min(half, MAX_DEFAULT_HEAP));
}

export type Workload = "statefulset" | "deployment-per-broker";

export interface NodeSizing {
  storage: { size: string; storageClass?: string };
  resources: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } };
  heap: string;
}

/** An environment with every derived default filled in. */
export interface Environment {
  name: string;
  cluster: string;
  server: string;
  namespace: string;
  brokers: number;
  controllers: 1 | 3 | 5;
  topology: "combined" | "dedicated";
  /** Sizing of the controller-only nodes (dedicated topology). */
  controllerNodes: NodeSizing;
  clients: { namespaces: string[] };
  workload: Workload;
  image: string;
  clusterId?: string;
  storage: { size: string; storageClass?: string };
  resources: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } };
  heap: string;
  spread: "required" | "preferred";
  nodes?: string[];
  /** Zone pinning and broker.rack (deployment-per-broker). */
  rack?: { topologyKey: string; zones: string[] };
  /** TLS, authentication and authorization; absent: every listener PLAINTEXT. */
  security?: Security;
  sync: { automated: boolean; prune: boolean; selfHeal: boolean };
  config: Record<string, string | number | boolean>;
}

export interface Security {
  /** Absent: a CA of the environment's own. */
  issuer?: { kind: "Issuer" | "ClusterIssuer"; name: string };
  clients: "scram" | "mtls" | "none";
  internal: "tls" | "plaintext";
  transition: boolean;
  users: Array<{ name: string; secret: string; key: string }>;
  superUsers: string[];
}

export interface Config {
  repo: { url: string; revision: string };
  kafka: { name: string; image: string; workload: Workload; config: Record<string, string | number | boolean> };
  argocd: { namespace: string; project: string };
  environments: Environment[];
}

type SizingInput = Pick<EnvironmentInput, "storage" | "resources" | "heap">;

function resolveSizing(s: SizingInput): NodeSizing {
  const memoryLimit = s.resources.limits.memory ?? s.resources.requests.memory;
  return {
    storage: s.storage,
    resources: {
      requests: s.resources.requests,
      limits: { ...(s.resources.limits.cpu !== undefined && { cpu: s.resources.limits.cpu }), memory: memoryLimit },
    },
    heap: s.heap ?? defaultHeap(memoryLimit),
  };
}

function resolveEnvironment(name: string, env: EnvironmentInput, kafka: ConfigInput["kafka"]): Environment {
  const sizing = resolveSizing(env);
  const namespace = env.namespace ?? `${kafka.name}-${name}`;
  // Validated defaults: parsing an empty object yields the schema's own defaults for controller-only nodes.
  const controllerSizing = resolveSizing(env.controllerNodes ?? controllerNodesDefaults());
  return {
    name,
    cluster: env.cluster ?? name,
    server: env.server,
    namespace,
    brokers: env.brokers,
    controllers: env.controllers ?? (env.brokers >= 3 || env.topology === "dedicated" ? 3 : 1),
    topology: env.topology,
    controllerNodes: controllerSizing,
    clients: { namespaces: env.clients.namespaces ?? [namespace] },
    workload: env.workload ?? kafka.workload,
    image: env.image ?? kafka.image,
    ...(env.clusterId !== undefined && { clusterId: env.clusterId }),
    ...sizing,
    spread: env.spread ?? (env.brokers >= 3 ? "required" : "preferred"),
    ...(env.nodes !== undefined && { nodes: env.nodes }),
    ...(env.rack !== undefined && { rack: env.rack }),
    ...(env.security !== undefined && { security: resolveSecurity(env.security) }),
    sync: env.sync,
    config: env.config,
  };
}

function resolveSecurity(s: NonNullable<EnvironmentInput["security"]>): Security {
  return {
    ...(s.tls?.issuer !== undefined && { issuer: s.tls.issuer }),
    clients: s.clients,
    internal: s.internal ?? (s.transition ? "plaintext" : "tls"),
    transition: s.transition,
    users: [...s.users].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    superUsers: [...new Set(s.superUsers)].sort(),
  };
}

function controllerNodesDefaults(): SizingInput {
  return controllerNodesSchema.parse({});
}

/** Environments in name order: the order of every generated list and message. */
export function resolveConfig(input: ConfigInput): Config {
  const names = Object.keys(input.environments).sort();
  return {
    repo: input.repo,
    kafka: input.kafka,
    argocd: { namespace: input.argocd.namespace, project: input.argocd.project ?? input.kafka.name },
    environments: names.map((n) => resolveEnvironment(n, input.environments[n]!, input.kafka)),
  };
}

export const configSchema = configInput.transform(resolveConfig);
