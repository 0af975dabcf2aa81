/**
 * Kubernetes resource quantities and JVM heap sizes, written by hand because
 * runtime dependencies are restricted.
 *
 * Quantity syntax follows k8s.io/apimachinery (`resource.Quantity`):
 *
 *   quantity ::= sign? number suffix?
 *   number   ::= digits | digits "." digits? | "." digits
 *   suffix   ::= Ki | Mi | Gi | Ti | Pi | Ei          (powers of 1024)
 *              | n | u | m | k | M | G | T | P | E    (powers of 1000)
 *              | ("e" | "E") sign? digits            (power of ten)
 *
 * The exponent is an integer because the API server parses it as one, even
 * though its published grammar says "signedNumber". "1E" is the exa suffix,
 * "1E3" is 1000, and a lone "e" is not a suffix.
 */

const QUANTITY = /^(?<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(?<binary>[KMGTPE])i|(?<decimal>[numkMGTPE])|[eE](?<exponent>[+-]?[0-9]+))?$/;

/** Powers of 1024 named by the first letter of a binary suffix. */
const BINARY_POWER: Readonly<Record<string, number>> = { K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

/** Powers of ten named by a decimal suffix. */
const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** True when Kubernetes would accept `s` as a resource quantity. */
export function isQuantity(s: string): boolean {
  return typeof s === "string" && QUANTITY.test(s);
}

/**
 * Value of a quantity in base units: bytes for memory, cores for CPU
 * ("250m" -> 0.25). Throws on anything Kubernetes rejects, and on values too
 * large for a JavaScript number.
 */
export function parseQuantity(s: string): number {
  const groups = typeof s === "string" ? QUANTITY.exec(s)?.groups : undefined;
  const number = groups?.["number"];
  if (groups === undefined || number === undefined) {
    throw new Error(`invalid Kubernetes quantity: ${JSON.stringify(s)}`);
  }
  const value = quantityValue(number, groups);
  if (!Number.isFinite(value)) {
    throw new RangeError(`Kubernetes quantity out of range: ${JSON.stringify(s)}`);
  }
  // "-0" and "0e-99" must not leak a negative zero to callers comparing with 0.
  return value === 0 ? 0 : value;
}

function quantityValue(number: string, groups: Record<string, string | undefined>): number {
  const binary = groups["binary"];
  if (binary !== undefined) {
    // Scaling by a power of two is exact, so "1.5Gi" is exactly 1610612736.
    return Number(number) * 1024 ** (BINARY_POWER[binary] ?? 0);
  }
  const decimal = groups["decimal"];
  const exponent = decimal !== undefined ? (DECIMAL_EXPONENT[decimal] ?? 0) : (groups["exponent"] ?? "0");
  // Let the number parser apply the power of ten: "250e-3" rounds once and
  // gives exactly 0.25, where 250 * 0.001 would carry 0.001's binary error.
  return Number(`${number}e${exponent}`);
}

// ---------------------------------------------------------------------------
// JVM sizes (-Xmx, -Xms, ...)
// ---------------------------------------------------------------------------

/** What the JVM accepts for sizes: whole number, optional k/m/g/t in either case. */
const JVM_SIZE = /^(?<digits>[0-9]+)(?<unit>[kKmMgGtT])?$/;

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

const JVM_UNIT: Readonly<Record<string, number>> = { k: KIB, m: MIB, g: GIB, t: 1024 * GIB };

/**
 * Bytes denoted by a JVM size such as "512m", "1g", "2048k" or "1073741824".
 * Throws on anything the JVM would reject ("1.5g", "1gb", "-1m", " 1g") and on
 * sizes beyond Number.MAX_SAFE_INTEGER.
 */
export function parseJvmSize(s: string): number {
  const groups = typeof s === "string" ? JVM_SIZE.exec(s)?.groups : undefined;
  const digits = groups?.["digits"];
  if (groups === undefined || digits === undefined) {
    throw new Error(`invalid JVM size: ${JSON.stringify(s)}`);
  }
  const unit = groups["unit"];
  const bytes = Number(digits) * (unit === undefined ? 1 : (JVM_UNIT[unit.toLowerCase()] ?? 1));
  if (!Number.isSafeInteger(bytes)) {
    throw new RangeError(`JVM size too large: ${JSON.stringify(s)}`);
  }
  return bytes;
}

/**
 * Formats bytes for -Xmx/-Xms in the largest unit that is exact, "g" or "m"
 * (536870912 -> "512m", 1073741824 -> "1g"). Anything that is not a whole
 * number of MiB is rounded down to one: a heap derived from a container limit
 * must never end up above it. Throws when less than 1 MiB would remain, since
 * "0m" is not a usable heap size.
 */
export function formatJvmSize(bytes: number): string {
  if (typeof bytes !== "number" || !Number.isFinite(bytes)) {
    throw new RangeError(`JVM size must be a finite number, got ${String(bytes)}`);
  }
  const mib = Math.floor(bytes / MIB);
  if (mib < 1) {
    throw new RangeError(`JVM size must be at least 1 MiB, got ${bytes} bytes`);
  }
  return mib % 1024 === 0 ? `${mib / 1024}g` : `${mib}m`;
}

// ---------------------------------------------------------------------------
// Quantities the config accepts
// ---------------------------------------------------------------------------

export type QuantityKind = "cpu" | "memory" | "storage";

const TIB = 1024 * GIB;

/**
 * Upper bounds far above any real node or volume: a larger value is a unit
 * mistake (`Ei` for `Gi`, a stray exponent) that would leave pods Pending.
 */
const MAX: Readonly<Record<QuantityKind, { value: number; text: string; what: string; units: string }>> = {
  cpu: { value: 1024, text: "1024", what: "CPUs, more than any node has", units: 'CPUs are counted in cores, "250m" is a quarter of one' },
  memory: { value: 16 * TIB, text: "16Ti", what: "of memory, more than any node has", units: "e.g. Gi, not Ei or Pi" },
  storage: { value: 1024 * TIB, text: "1Pi", what: "for one volume", units: "e.g. Gi or Ti, not Ei or Pi" },
};

/**
 * Why `s` is not a usable quantity of `kind`, or undefined. Never throws: every
 * string gets a message (syntax, out of range, zero or negative, finer than the
 * unit Kubernetes keeps).
 */
export function quantityProblem(s: string, kind: QuantityKind): string | undefined {
  if (!isQuantity(s)) return 'is not a Kubernetes quantity; write e.g. "1Gi", "512Mi" or "250m"';
  let value: number;
  try {
    value = parseQuantity(s);
  } catch {
    return `is too large to be a quantity; write e.g. ${kind === "cpu" ? '"2" or "500m"' : '"8Gi"'}`;
  }
  if (value <= 0) return "must be greater than zero";
  const max = MAX[kind];
  if (value > max.value) return `is above ${max.text} ${max.what}; check the unit (${max.units})`;
  if (kind === "cpu") {
    // Kubernetes keeps CPU in thousandths of a core ("1m"); anything finer is refused or rounded.
    if (!Number.isInteger(Math.round(value * 1e9) / 1e6))
      return 'is finer than 1m (a thousandth of a CPU), the smallest CPU unit Kubernetes keeps; write e.g. "1m" or "250m"';
  } else if (!Number.isInteger(value)) {
    return `is not a whole number of bytes; write e.g. ${kind === "memory" ? '"512Mi" or "2Gi"' : '"5Gi"'}`;
  }
  return undefined;
}
