// Strict validation of rendered Kubernetes objects for the tests.
//
// Two passes per object:
//  1. the official JSON Schema validation compiled into `kubernetes-models`
//     (types, enums, required fields), and
//  2. an unknown-field check at every depth, like `kubectl apply --validate=strict`,
//     because kubernetes-models (like the OpenAPI schemas it is generated from)
//     silently accepts fields it does not know.
//
// The allowed field names for pass 2 are read from the `.d.ts` interfaces that
// kubernetes-models generates from the Kubernetes OpenAPI spec, using the
// TypeScript compiler API. That costs a few hundred milliseconds, so it is done
// once per process, on first use, and cached.

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type ts from "typescript";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { Issuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer";

const require = createRequire(import.meta.url);

/** A model's file: by require, or, for a package that exports only to `import` (the cert-manager models), by import.meta.resolve. */
function resolveModule(specifier: string): string {
  try {
    return require.resolve(specifier);
  } catch {
    return fileURLToPath(import.meta.resolve(specifier));
  }
}

/** Argo CD objects are validated elsewhere; they pass through untouched. */
const PASS_THROUGH_API_VERSION = "argoproj.io/v1alpha1";

interface KindEntry {
  /** Model class: `new model(obj).validate()` throws on schema violations. */
  model: new (
    data: never,
  ) => { validate(): void };
  /** Module specifier of the class; its `.d.ts` holds the `I<Kind>` interface. */
  module: string;
}

// Keyed by "apiVersion/kind" (e.g. "apps/v1/StatefulSet", "v1/Service").
const KINDS: ReadonlyMap<string, KindEntry> = new Map<string, KindEntry>([
  ["v1/Namespace", { model: Namespace, module: "kubernetes-models/v1/Namespace" }],
  ["v1/ConfigMap", { model: ConfigMap, module: "kubernetes-models/v1/ConfigMap" }],
  ["v1/Service", { model: Service, module: "kubernetes-models/v1/Service" }],
  ["v1/PersistentVolumeClaim", { model: PersistentVolumeClaim, module: "kubernetes-models/v1/PersistentVolumeClaim" }],
  ["v1/Secret", { model: Secret, module: "kubernetes-models/v1/Secret" }],
  ["v1/ServiceAccount", { model: ServiceAccount, module: "kubernetes-models/v1/ServiceAccount" }],
  ["apps/v1/StatefulSet", { model: StatefulSet, module: "kubernetes-models/apps/v1/StatefulSet" }],
  ["apps/v1/Deployment", { model: Deployment, module: "kubernetes-models/apps/v1/Deployment" }],
  ["policy/v1/PodDisruptionBudget", { model: PodDisruptionBudget, module: "kubernetes-models/policy/v1/PodDisruptionBudget" }],
  ["networking.k8s.io/v1/NetworkPolicy", { model: NetworkPolicy, module: "kubernetes-models/networking.k8s.io/v1/NetworkPolicy" }],
  ["batch/v1/Job", { model: Job, module: "kubernetes-models/batch/v1/Job" }],
  // cert-manager's CRD schemas, generated into @kubernetes-models/cert-manager like the core kinds above.
  ["cert-manager.io/v1/Certificate", { model: Certificate, module: "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate" }],
  ["cert-manager.io/v1/Issuer", { model: Issuer, module: "@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer" }],
]);

/** What a value at some position in an object may look like, for the unknown-field check. */
type Shape =
  | { type: "scalar" } // string, number, boolean, IntOrString, Quantity, enums
  | { type: "free" } // arbitrary JSON (e.g. metadata.managedFields[].fieldsV1)
  | { type: "map"; values: Shape } // labels, annotations, ConfigMap data, limits, ...
  | { type: "array"; items: Shape }
  | { type: "object"; fields: Map<string, Shape> };

export function validateKubeObjects(objs: unknown[]): string[] {
  return objs.flatMap((obj) => validateKubeObject(obj));
}

/** Returns [] when `obj` is valid, else messages like "StatefulSet/kafka: spec.replicas: must be integer". */
export function validateKubeObject(obj: unknown): string[] {
  if (!isPlainObject(obj)) return [`?/?: expected an object, got ${describe(obj)}`];
  const { apiVersion, kind } = obj;
  const label = `${typeof kind === "string" ? kind : "?"}/${objectName(obj)}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [`${label}: apiVersion and kind must be strings`];
  }
  if (apiVersion === PASS_THROUGH_API_VERSION) return [];

  const key = `${apiVersion}/${kind}`;
  const entry = KINDS.get(key);
  if (!entry) return [`${label}: unsupported kind ${key}`];

  const messages = [...schemaErrors(entry, obj), ...unknownFields(obj, rootShapes().get(key)!, "")];
  return messages.map((m) => `${label}: ${m}`);
}

// ---------------------------------------------------------------------------
// Pass 1: official schema validation

/** Shape of the error that `Model.validate()` throws (an Ajv error list). */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

function schemaErrors(entry: KindEntry, obj: Record<string, unknown>): string[] {
  try {
    new entry.model(obj as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) throw err; // not a validation failure: a bug worth seeing
    return formatAjvErrors(obj, errors);
  }
}

function formatAjvErrors(obj: unknown, errors: AjvError[]): string[] {
  // Group by location: an IntOrString mismatch yields "must be string",
  // "must be integer" and "must match exactly one schema in oneOf" at the
  // same path, which reads better as a single "must be string or integer".
  const byPath = new Map<string, AjvError[]>();
  for (const e of errors) {
    const group = byPath.get(e.instancePath) ?? [];
    group.push(e);
    byPath.set(e.instancePath, group);
  }
  const messages: string[] = [];
  for (const [pointer, group] of byPath) {
    const path = pointerToPath(obj, pointer);
    const prefix = path === "" ? "" : `${path}: `;
    const alternatives = group.some((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
    const typeErrors = group.filter((e) => e.keyword === "type");
    if (alternatives && typeErrors.length === group.length - 1) {
      messages.push(`${prefix}must be ${typeErrors.map((e) => String(e.params.type)).join(" or ")}`);
      continue;
    }
    for (const e of group) messages.push(prefix + ajvMessage(e));
  }
  return [...new Set(messages)];
}

function ajvMessage(e: AjvError): string {
  const text = e.message ?? `${e.keyword} ${JSON.stringify(e.params)}`;
  const allowed = e.params.allowedValues;
  return Array.isArray(allowed) ? `${text}: ${allowed.map((v) => JSON.stringify(v)).join(", ")}` : text;
}

/** "/spec/containers/0/name" -> "spec.containers[0].name" (walking `obj` to tell array indexes from map keys). */
function pointerToPath(obj: unknown, pointer: string): string {
  if (pointer === "") return "";
  let path = "";
  let node = obj;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      path += `[${segment}]`;
      node = node[Number(segment)];
    } else {
      path = joinKey(path, segment);
      node = isPlainObject(node) ? node[segment] : undefined;
    }
  }
  return path;
}

// ---------------------------------------------------------------------------
// Pass 2: unknown fields

function unknownFields(value: unknown, shape: Shape, path: string): string[] {
  // Type mismatches (e.g. a string where an object belongs) are pass 1's job,
  // so only recurse where the value has the expected container type.
  switch (shape.type) {
    case "scalar":
    case "free":
      return [];
    case "array":
      return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, shape.items, `${path}[${i}]`)) : [];
    case "map":
      return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => unknownFields(v, shape.values, joinKey(path, k))) : [];
    case "object": {
      if (!isPlainObject(value)) return [];
      return Object.entries(value).flatMap(([k, v]) => {
        const fieldShape = shape.fields.get(k);
        const fieldPath = joinKey(path, k);
        return fieldShape ? unknownFields(v, fieldShape, fieldPath) : [`${fieldPath}: unknown field`];
      });
    }
  }
}

let cachedShapes: Map<string, Shape> | undefined;

/** Root shape of every supported kind, keyed like KINDS; built once per process. */
function rootShapes(): Map<string, Shape> {
  cachedShapes ??= buildShapes();
  return cachedShapes;
}

function buildShapes(): Map<string, Shape> {
  // Loaded here rather than imported so that merely importing this module stays cheap.
  const tsc = require("typescript") as typeof ts;

  // The package's "require" export condition points at `X.js`; its types sit next to it.
  const files = new Map<string, string>();
  for (const [key, entry] of KINDS) {
    files.set(key, resolveModule(entry.module).replace(/\.js$/, ".d.ts"));
  }
  const program = tsc.createProgram([...files.values()], {
    noEmit: true,
    strict: true, // optional properties then carry `| undefined`, which getNonNullableType strips
    types: [],
    lib: ["lib.es5.d.ts"], // only needed for Array<T>
    moduleResolution: tsc.ModuleResolutionKind.Node10, // the .d.ts files import extensionless paths
  });
  const checker = program.getTypeChecker();

  // One Shape per TypeScript type, so shared types (ObjectMeta, Container, ...)
  // are converted once and recursive types terminate.
  const memo = new Map<ts.Type, Shape>();

  const shapeOf = (type: ts.Type, where: string): Shape => {
    type = checker.getNonNullableType(type);
    if (type.flags & (tsc.TypeFlags.Any | tsc.TypeFlags.Unknown)) {
      // Would silently accept everything: most likely a module that failed to resolve.
      throw new Error(`kube-schema: cannot derive the shape of ${where} (${checker.typeToString(type)})`);
    }
    if (checker.isArrayType(type)) {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      return { type: "array", items: shapeOf(item!, `${where}[]`) };
    }
    if (type.isUnion()) {
      // IntOrString, Quantity, enums and boolean are unions of primitives.
      if (type.types.every((t) => !(t.flags & tsc.TypeFlags.Object))) return { type: "scalar" };
      throw new Error(`kube-schema: unexpected union at ${where}: ${checker.typeToString(type)}`);
    }
    if (!(type.flags & tsc.TypeFlags.Object)) return { type: "scalar" };

    const known = memo.get(type);
    if (known) return known;
    const props = checker.getPropertiesOfType(type);
    const indexType = type.getStringIndexType();
    let shape: Shape;
    if (indexType && props.length === 0) {
      shape = { type: "map", values: shapeOf(indexType, `${where}{}`) };
    } else if (!indexType && props.length === 0) {
      // An empty interface stands for schema-less JSON (FieldsV1).
      shape = { type: "free" };
    } else if (!indexType) {
      const fields = new Map<string, Shape>();
      shape = { type: "object", fields };
      memo.set(type, shape); // before recursing, for recursive types
      for (const prop of props) {
        fields.set(prop.name, shapeOf(checker.getTypeOfSymbol(prop), joinKey(where, prop.name)));
      }
    } else {
      throw new Error(`kube-schema: ${where} has both fields and an index signature`);
    }
    memo.set(type, shape);
    return shape;
  };

  const shapes = new Map<string, Shape>();
  for (const [key, file] of files) {
    const kind = key.slice(key.lastIndexOf("/") + 1);
    const source = program.getSourceFile(file);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    const iface = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `I${kind}`);
    if (!iface) throw new Error(`kube-schema: interface I${kind} not found in ${file}`);
    shapes.set(key, shapeOf(checker.getDeclaredTypeOfSymbol(iface), kind));
  }
  return shapes;
}

// ---------------------------------------------------------------------------
// Helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Field names read as `a.b`; keys such as label names are quoted: `labels["app.kubernetes.io/name"]`. */
function joinKey(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function objectName(obj: Record<string, unknown>): string {
  const metadata = obj.metadata;
  return isPlainObject(metadata) && typeof metadata.name === "string" ? metadata.name : "?";
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}
