// Every failure is one message with its exit code; the stack only with --debug.
import test from "ava";
import { ConfigError, failureReport, UsageError, withPath } from "../generator/errors.js";

test("user errors keep their message and exit code", (t) => {
  t.deepEqual(failureReport(new UsageError("--base needs a git revision"), false), { text: "error: --base needs a git revision\n", exitCode: 2 });
  const config = failureReport(new ConfigError("kafka-gitops.yaml", [{ path: ["environments", "dev", "brokers"], message: "must be at least 1" }]), false);
  t.is(config.exitCode, 1);
  t.regex(config.text, /^error: kafka-gitops\.yaml: 1 problem; nothing was written\n {2}environments\.dev\.brokers: must be at least 1\n$/);
});

test("a file-system error names its file and what to do, without a stack", (t) => {
  const err = Object.assign(new Error("EISDIR: illegal operation on a directory, read"), { code: "EISDIR", syscall: "read" });
  const report = failureReport(withPath(err, "/repo/overlays/prod/kafka.env"), false);
  t.deepEqual(report, {
    text: "error: cannot read /repo/overlays/prod/kafka.env: it is a directory where a file is expected: move the directory away (EISDIR)\n",
    exitCode: 1,
  });
});

test("an internal error is one line and a hint; --debug adds the stack", (t) => {
  const err = new TypeError("Cannot read properties of undefined (reading 'name')\nsecond line");
  const plain = failureReport(err, false);
  t.is(plain.exitCode, 1);
  t.is(
    plain.text,
    "error: internal error: Cannot read properties of undefined (reading 'name')\nThis is a bug in kafka-gitops: run again with --debug for the stack trace and report it.\n",
  );
  t.notRegex(plain.text, /\n\s+at /);
  const debug = failureReport(err, true);
  t.regex(debug.text, /\n\s+at .+/);
  t.is(failureReport("a thrown string", false).text.split("\n")[0], "error: internal error: a thrown string");
});
