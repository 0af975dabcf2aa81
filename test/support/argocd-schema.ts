/**
 * Validates generated Argo CD objects (Application, AppProject, ApplicationSet)
 * against Argo CD's own CRD schemas, vendored in `test/schemas/argocd/`.
 * The goal is to know, without a cluster, that the API
 * server would accept what the generator writes, so validation mimics its
 * strict field validation (`kubectl apply --validate=strict`): undeclared
 * fields are errors, not silently pruned.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse } from "yaml";

type Schema = Record<string, unknown>;

interface CrdDocument {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

/** Which file defines which kind; parsed lazily because the ApplicationSet CRD alone is 1.4 MB. */
const CRD_FILES: ReadonlyMap<string, string> = new Map([
  ["Application", "application-crd.yaml"],
  ["AppProject", "appproject-crd.yaml"],
  ["ApplicationSet", "applicationset-crd.yaml"],
]);

/** Fields the API server accepts at the top level of a custom resource. */
const TOP_LEVEL_FIELDS = new Set(["apiVersion", "kind", "metadata", "spec", "status", "operation"]);

// Kubernetes name rules (apimachinery validation), as JSON Schema patterns.
const DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const QUALIFIED_NAME = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

/**
 * The CRDs declare `metadata` as a bare object because the API server checks
 * ObjectMeta itself. This is the subset a generated manifest may carry;
 * server-populated fields (uid, resourceVersion, managedFields, ...) have no
 * business in a Git repository, so they are rejected too.
 */
const OBJECT_META: Schema = {
  type: "object",
  // `kubectl apply` and Argo CD's own sync need a fixed name; generateName alone is not enough.
  required: ["name"],
  additionalProperties: false,
  properties: {
    name: { type: "string", maxLength: 253, pattern: DNS_SUBDOMAIN },
    generateName: { type: "string" },
    namespace: { type: "string", maxLength: 63, pattern: DNS_LABEL },
    labels: {
      type: "object",
      propertyNames: { pattern: QUALIFIED_NAME },
      additionalProperties: { type: "string", pattern: LABEL_VALUE },
    },
    annotations: {
      type: "object",
      propertyNames: { pattern: QUALIFIED_NAME },
      additionalProperties: { type: "string" },
    },
    finalizers: { type: "array", items: { type: "string", pattern: QUALIFIED_NAME } },
  },
};

/** Repository root: the nearest folder above this module holding package.json (works from `test/support/` and `dist/test/support/`). */
function findRepositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

let schemaDirCache: string | undefined;
function schemaDir(): string {
  if (schemaDirCache === undefined) {
    const dir = join(findRepositoryRoot(), "test", "schemas", "argocd");
    if (!existsSync(dir)) throw new Error(`Argo CD CRDs not found at ${dir} (vendored in the repository: see test/schemas/argocd/README.md)`);
    schemaDirCache = dir;
  }
  return schemaDirCache;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Copy of a CRD schema node rewritten for ajv with API-server semantics.
 * Only schema positions are walked, so `default`/`enum` values are copied untouched.
 */
function prepare(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    // ajv does not know the Kubernetes extensions; those that matter are translated below.
    if (key.startsWith("x-kubernetes-")) continue;
    if (key === "properties" && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, prepare(sub as Schema)]));
    } else if ((key === "items" || key === "additionalProperties" || key === "not") && isRecord(value)) {
      out[key] = prepare(value);
    } else if ((key === "anyOf" || key === "allOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((sub) => prepare(sub as Schema));
    } else {
      out[key] = value;
    }
  }

  if (node["x-kubernetes-int-or-string"] === true) {
    // The CRDs spell this as anyOf[integer, string]; one union type gives one clear error instead of three.
    delete out.anyOf;
    out.type = ["integer", "string"];
  }
  // A 'set' list must not repeat items. These CRDs only use 'atomic' (no check); 'map' key uniqueness is not implemented.
  if (node["x-kubernetes-list-type"] === "set") out.uniqueItems = true;
  // Strict field validation: a declared field list is closed unless the schema says otherwise.
  if ("properties" in node && !("additionalProperties" in node) && node["x-kubernetes-preserve-unknown-fields"] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** The whole-object schema: CRD schema, closed top level, ObjectMeta typed. */
function prepareRoot(crdSchema: Schema): Schema {
  const root = prepare(crdSchema);
  const declared = isRecord(root.properties) ? root.properties : {};
  const properties = Object.fromEntries(Object.entries(declared).filter(([name]) => TOP_LEVEL_FIELDS.has(name)));
  properties.metadata = OBJECT_META;
  return { ...root, properties, additionalProperties: false };
}

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (ajvInstance === undefined) {
    // strict stays on (so a mistake in our own schema surfaces); Kubernetes extensions are removed by prepare().
    // No `verbose`: it slows compiling the big ApplicationSet schema by ~10%; valueAt() finds offending values instead.
    ajvInstance = new Ajv({ allErrors: true, allowUnionTypes: true });
    // The OpenAPI formats used by the CRDs; ajv knows none of them without ajv-formats.
    ajvInstance.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajvInstance.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
    ajvInstance.addFormat("date-time", {
      type: "string",
      validate: (s: string) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    });
  }
  return ajvInstance;
}

interface KindSchemas {
  /** openAPIV3Schema per served apiVersion ("argoproj.io/v1alpha1"). */
  schemas: Map<string, Schema>;
  /** Compiled once per apiVersion, on first use. */
  validators: Map<string, ValidateFunction>;
}
const kinds = new Map<string, KindSchemas>();

function loadKind(kind: string): KindSchemas | undefined {
  const file = CRD_FILES.get(kind);
  if (file === undefined) return undefined;
  let entry = kinds.get(kind);
  if (entry === undefined) {
    const path = join(schemaDir(), file);
    const crd = parse(readFileSync(path, "utf8")) as CrdDocument | null;
    // A wrong or damaged file must fail loudly, not leave the kind unvalidated.
    if (crd?.spec?.names?.kind !== kind || !Array.isArray(crd.spec.versions)) {
      throw new Error(`${path} is not the CRD of ${kind}`);
    }
    const { group, versions } = crd.spec;
    const schemas = new Map<string, Schema>();
    for (const version of versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (version.served && schema !== undefined) schemas.set(`${group}/${version.name}`, schema);
    }
    entry = { schemas, validators: new Map() };
    kinds.set(kind, entry);
  }
  return entry;
}

let compilations = 0;
/** How many schemas were compiled so far: a cache miss costs seconds on the 1.4 MB ApplicationSet schema. */
export const schemaCompilations = (): number => compilations;

/** The compiled validator, or a message saying why there is none. */
function validatorFor(apiVersion: unknown, kind: unknown): ValidateFunction | string {
  const entry = typeof kind === "string" ? loadKind(kind) : undefined;
  if (entry === undefined) {
    return `kind: unknown kind ${JSON.stringify(kind)} (expected one of ${[...CRD_FILES.keys()].join(", ")})`;
  }
  const key = String(apiVersion);
  let validate = entry.validators.get(key);
  if (validate === undefined) {
    const schema = entry.schemas.get(key);
    if (schema === undefined) {
      return `apiVersion: ${JSON.stringify(apiVersion)} is not served for ${String(kind)} (served: ${[...entry.schemas.keys()].join(", ")})`;
    }
    validate = ajv().compile(prepareRoot(schema));
    compilations++;
    entry.validators.set(key, validate);
  }
  return validate;
}

/** Unescaped segments of a JSON Pointer as ajv reports it ("/metadata/annotations/a~1b"). */
function segments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Dotted form people read: "/spec/sources/0" becomes "spec.sources[0]". */
function toPath(pointer: string): string {
  return segments(pointer).reduce(appendField, "");
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const key of segments(pointer)) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function appendField(path: string, field: string): string {
  if (/^\d+$/.test(field)) return `${path}[${field}]`;
  // Annotation and label keys contain dots and slashes; quote them so the path stays unambiguous.
  if (!/^[A-Za-z_$][\w$-]*$/.test(field)) return `${path}[${JSON.stringify(field)}]`;
  return path === "" ? field : `${path}.${field}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function describe(error: ErrorObject, obj: unknown): string {
  const path = toPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return `${appendField(path, String(params.additionalProperty))}: unknown field`;
    case "required":
      return `${appendField(path, String(params.missingProperty))}: required field missing`;
    case "type":
      return `${path || "(root)"}: must be ${String(params.type).split(",").join(" or ")}, got ${typeName(valueAt(obj, error.instancePath))}`;
    case "enum":
      return `${path || "(root)"}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      // propertyNames failures name the offending key, not a value.
      if (error.propertyName !== undefined) return `${path || "(root)"}: key ${JSON.stringify(error.propertyName)} ${error.message ?? "is invalid"}`;
      return `${path || "(root)"}: ${error.message ?? error.keyword}`;
  }
}

/** "Application/kafka-dev", so a message points at the object it concerns. */
function label(obj: Record<string, unknown>): string {
  const name = isRecord(obj.metadata) && typeof obj.metadata.name === "string" ? obj.metadata.name : "<unnamed>";
  return `${typeof obj.kind === "string" ? obj.kind : "<no kind>"}/${name}`;
}

/** Validates one Argo CD object; returns [] when the API server would accept it. */
export function validateArgoObject(obj: unknown): string[] {
  if (!isRecord(obj)) return [`<not an object>: expected a Kubernetes object, got ${typeName(obj)}`];
  const prefix = label(obj);
  const validate = validatorFor(obj.apiVersion, obj.kind);
  if (typeof validate === "string") return [`${prefix}: ${validate}`];
  if (validate(obj)) return [];
  return (
    (validate.errors ?? [])
      // The wrapper error of a propertyNames failure repeats what the inner error already said.
      .filter((error) => error.keyword !== "propertyNames")
      .map((error) => `${prefix}: ${describe(error, obj)}`)
  );
}

/** Validates several objects; messages carry kind/name, so they stay attributable when concatenated. */
export function validateArgoObjects(objs: unknown[]): string[] {
  return objs.flatMap((obj) => validateArgoObject(obj));
}
