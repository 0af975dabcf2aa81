import test from "ava";
import { formatJvmSize, isQuantity, parseJvmSize, parseQuantity } from "../generator/quantity.js";

const KI = 1024;
const MI = 1024 * KI;
const GI = 1024 * MI;

// [input, value in base units]
const validQuantities: Array<[string, number]> = [
  ["0", 0],
  ["1", 1],
  ["007", 7],
  ["+1", 1],
  ["-1", -1],
  ["-0", 0], // no negative zero
  ["1.5", 1.5],
  [".5", 0.5],
  ["1.", 1],
  ["0.1", 0.1],
  ["250m", 0.25],
  ["1500m", 1.5],
  ["0.5m", 0.0005],
  ["100n", 1e-7],
  ["5u", 0.000005],
  ["1k", 1000],
  ["1M", 1e6],
  ["1G", 1e9],
  ["1T", 1e12],
  ["1P", 1e15],
  ["1E", 1e18], // exa, not an exponent
  ["2Ki", 2048],
  ["100Mi", 100 * MI],
  ["1Gi", GI],
  ["1.5Gi", 1.5 * GI],
  ["0.5Gi", 512 * MI],
  ["1Ti", 2 ** 40],
  ["1Pi", 2 ** 50],
  ["1Ei", 2 ** 60],
  ["128974848", 128974848],
  ["129e6", 129e6],
  ["1e3", 1000],
  ["1E3", 1000],
  ["1e+3", 1000],
  ["1e-3", 0.001],
  ["1.5e2", 150],
  ["-2.5E-1", -0.25],
];

const invalidQuantities = [
  "",
  " ",
  "Gi",
  "m",
  "-",
  "+",
  ".",
  "+.",
  "1.5.5Gi",
  "10 Gi",
  " 1",
  "1 ",
  "1Gi\n",
  "1gb",
  "1GB",
  "1gi",
  "1K", // binary K needs the i; decimal kilo is lower-case k
  "1Ki1",
  "1KiB",
  "1mi",
  "1e", // a lone lower-case e is not a suffix
  "1e1.5", // the API server parses the exponent as an integer
  "1e3Gi",
  "1ei",
  "--1",
  "+-1",
  "1,5",
  "1_000",
  "0x10",
  "Infinity",
  "NaN",
  "١", // non-ASCII digit
];

test("isQuantity accepts what Kubernetes accepts", (t) => {
  for (const [input] of validQuantities) t.true(isQuantity(input), input);
});

test("isQuantity rejects what Kubernetes rejects", (t) => {
  for (const input of invalidQuantities) t.false(isQuantity(input), JSON.stringify(input));
});

test("parseQuantity returns the value in base units", (t) => {
  for (const [input, expected] of validQuantities) t.is(parseQuantity(input), expected, input);
});

test("parseQuantity throws on invalid quantities", (t) => {
  for (const input of invalidQuantities) {
    t.throws(() => parseQuantity(input), { message: /invalid Kubernetes quantity/ }, JSON.stringify(input));
  }
});

test("parseQuantity throws when the value does not fit in a number", (t) => {
  t.true(isQuantity("1e400")); // valid syntax...
  t.throws(() => parseQuantity("1e400"), { instanceOf: RangeError }); // ...but not representable
});

// [input, bytes]
const validJvmSizes: Array<[string, number]> = [
  ["0", 0],
  ["1073741824", GI],
  ["2048k", 2 * MI],
  ["2048K", 2 * MI],
  ["512m", 512 * MI],
  ["512M", 512 * MI],
  ["1g", GI],
  ["1G", GI],
  ["31g", 31 * GI],
  ["1t", 1024 * GI],
];

const invalidJvmSizes = ["", "m", "1.5g", "1gb", "1Gi", "1mb", "-1m", "+1m", " 1g", "1g ", "1 g", "1e9", "0x10", "1p"];

test("parseJvmSize returns bytes", (t) => {
  for (const [input, expected] of validJvmSizes) t.is(parseJvmSize(input), expected, input);
});

test("parseJvmSize throws on invalid sizes", (t) => {
  for (const input of invalidJvmSizes) {
    t.throws(() => parseJvmSize(input), { message: /invalid JVM size/ }, JSON.stringify(input));
  }
  t.throws(() => parseJvmSize("99999999999g"), { instanceOf: RangeError });
});

// [bytes, formatted]
const formatted: Array<[number, string]> = [
  [MI, "1m"],
  [512 * MI, "512m"],
  [GI, "1g"],
  [3 * GI, "3g"],
  [1536 * MI, "1536m"],
  [1024 * GI, "1024g"],
  [512 * MI + 1, "512m"], // rounded down
  [GI - 1, "1023m"], // rounded down, never up to 1g
  [0.75 * 2 * GI, "1536m"],
  [1e9, "953m"],
  [2 * MI + 0.5, "2m"],
];

test("formatJvmSize uses the largest exact unit and rounds down to whole MiB", (t) => {
  for (const [bytes, expected] of formatted) t.is(formatJvmSize(bytes), expected, String(bytes));
});

test("formatJvmSize rejects sizes below 1 MiB and non-finite input", (t) => {
  for (const bytes of [0, MI - 1, -GI, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => formatJvmSize(bytes), { instanceOf: RangeError }, String(bytes));
  }
});

test("JVM sizes round-trip through parse and format", (t) => {
  for (const s of ["1m", "512m", "1g", "31g", "1536m"]) t.is(formatJvmSize(parseJvmSize(s)), s);
  t.is(formatJvmSize(parseJvmSize("1048576k")), "1g");
  // A typical use: half of a container memory limit as heap.
  t.is(formatJvmSize(parseQuantity("3Gi") / 2), "1536m");
  t.is(formatJvmSize(parseQuantity("2G") * 0.75), "1430m");
});
