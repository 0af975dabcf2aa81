// Unit tests of the rules behind the hostile-input table: control characters,
// URLs with credentials, Git revisions, strict UTF-8, YAML parsing (merge keys,
// duplicates, aliases) and quantities.
import test from "ava";
import { parseConfig } from "../generator/config/load.js";
import { forbiddenCharacter, revisionProblem, textProblems, urlProblem } from "../generator/config/text-rules.js";
import { decodeUtf8, firstInvalidOffset } from "../generator/config/utf8.js";
import { quantityProblem } from "../generator/quantity.js";
import { parseYaml } from "../generator/yaml-format.js";
import { REPO } from "./support/invalid-configs.js";

test("every C0, C1 and line-breaking character is forbidden, printable text is not", (t) => {
  for (let c = 0; c < 0x20; c++) t.truthy(forbiddenCharacter(`a${String.fromCharCode(c)}b`), `U+${c.toString(16)}`);
  for (let c = 0x7f; c <= 0x9f; c++) t.truthy(forbiddenCharacter(String.fromCharCode(c)), `U+${c.toString(16)}`);
  for (const c of ["\u2028", "\u2029", "\u202e", "\u2066", "\ufeff"]) t.truthy(forbiddenCharacter(c));
  for (const ok of ["plain", "ünïcödé € 😀", "a: b # c", `"'\`|`, "  spaced  ", "\u00a0nbsp"]) t.is(forbiddenCharacter(ok), undefined, ok);
});

test("textProblems names the path of keys and values, at any depth", (t) => {
  const problems = textProblems({ a: { "b\nc": 1, d: ["ok", "x\ty"] }, e: "\u0085" });
  t.deepEqual(
    problems.map((p) => p.path),
    [["a", "b\nc"], ["a", "d", 1], ["e"]],
  );
});

test("URLs: credentials are refused, ordinary Git and API server URLs are not", (t) => {
  for (const ok of [
    "https://github.com/acme/kafka-gitops.git",
    "ssh://git@github.com/acme/kafka-gitops.git",
    "git@github.com:acme/kafka-gitops.git",
    "file:///srv/git/kafka.git",
    "https://kubernetes.default.svc",
    "https://10.0.0.1:6443/k8s/clusters/c-abc?ref=main",
  ])
    t.is(urlProblem(ok), undefined, ok);
  for (const bad of [
    "https://user:pass@github.com/a.git",
    "https://ghp_token@github.com/a.git",
    "https://gitlab.com/a.git?private_token=x",
    "https://h/a.git?access_token=x",
    "https://h/a?X-Amz-Security-Token=x",
    "https://h/a?x-amz-signature=x",
    "https://h/a?sig=x",
    "https://h/a?password=x",
    "https://h/a?api_key=x",
    "https://h/a#access_token=x",
    "https://h/a b",
    "https://h/`a`",
  ])
    t.truthy(urlProblem(bad), bad);
});

test("revisions: Git's ref rules, and never an option", (t) => {
  for (const ok of ["main", "release/4.3", "v1.2.0", "0123456789abcdef0123456789abcdef01234567", "féature"]) t.is(revisionProblem(ok), undefined, ok);
  for (const bad of ["-x", "--upload-pack=x", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "/a", "a/", "a.lock", "a@{1}", "@", ".a", "a//b"])
    t.truthy(revisionProblem(bad), bad);
});

/** A small deterministic generator, so the property test is the same on every run. */
function* bytesSamples(count: number): Generator<Uint8Array> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const interesting = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90, 0x8f];
  for (let i = 0; i < count; i++) {
    const length = next() % 8;
    yield Uint8Array.from({ length }, () => interesting[next() % interesting.length]!);
  }
}

test("the UTF-8 scanner agrees with TextDecoder's fatal mode on every sample", (t) => {
  for (const bytes of bytesSamples(20000)) {
    let valid = true;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      valid = false;
    }
    t.is(firstInvalidOffset(bytes) === bytes.length, valid, `[${[...bytes].map((b) => b.toString(16))}]`);
    // The bytes before the reported offset decode on their own.
    if (!valid) t.notThrows(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, firstInvalidOffset(bytes))));
  }
});

test("decodeUtf8 drops a leading byte order mark and says line and column of a bad byte", (t) => {
  t.deepEqual(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61])), { ok: true, text: "a" });
  const bad = decodeUtf8(Buffer.concat([Buffer.from("ab\ncd"), Buffer.from([0xff])]));
  t.like(bad, { ok: false, offset: 5, line: 2, column: 3, bytes: "0xFF" });
});

test("merge keys work, and anchors can share a block between environments", (t) => {
  const config = parseConfig(
    REPO + "environments:\n  dev: &defaults {brokers: 3, storage: {size: 10Gi}}\n  prod:\n    <<: *defaults\n    brokers: 5\n",
    "kafka-gitops.yaml",
  );
  const prod = config.environments.find((e) => e.name === "prod")!;
  t.is(prod.brokers, 5, "an explicit key wins over the merged one");
  t.is(prod.storage.size, "10Gi", "the merged key arrives");
});

test("duplicate keys are found in one pass, at every level, with both lines", (t) => {
  const keys = Array.from({ length: 40000 }, (_, i) => `  k${i}: ${i}\n`).join("");
  const parsed = parseYaml(`a:\n${keys}  k17: again\nb: {x: 1, x: 2}\n`);
  t.false(parsed.ok);
  if (!parsed.ok)
    t.deepEqual(
      parsed.problems.map((p) => [p.line, p.message.split(";")[0]]),
      [
        [40002, 'duplicate key "k17" (first at line 19)'],
        [40003, 'duplicate key "x" (first at line 40003)'],
      ],
    );
});

test("quantities: every string gets an answer, never an exception", (t) => {
  const cases: Array<[string, "cpu" | "memory" | "storage", string | undefined]> = [
    ["250m", "cpu", undefined],
    ["1.5", "cpu", undefined],
    ["2Gi", "memory", undefined],
    ["1e3", "memory", undefined],
    ["5Gi", "storage", undefined],
    ["0", "memory", "must be greater than zero"],
    ["-1", "cpu", "must be greater than zero"],
    ["1e400", "memory", "is too large to be a quantity"],
    ["0.5m", "cpu", "is finer than 1m"],
    ["0.5", "memory", "is not a whole number of bytes"],
    ["100Ei", "memory", "is above 16Ti"],
    ["2000", "cpu", "is above 1024 CPUs"],
    ["2Pi", "storage", "is above 1Pi"],
    ["5GB", "storage", "is not a Kubernetes quantity"],
    ["", "cpu", "is not a Kubernetes quantity"],
    [" 1Gi", "memory", "is not a Kubernetes quantity"],
  ];
  for (const [q, kind, start] of cases) {
    const problem = quantityProblem(q, kind);
    if (start === undefined) t.is(problem, undefined, q);
    else t.true(problem?.startsWith(start), `${q}: ${problem}`);
  }
});
