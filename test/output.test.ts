// Output a person reads: colour only on a terminal and never with NO_COLOR.
import test from "ava";
import { colourEnabled, paint, writer } from "../generator/output.js";

test("colour needs a terminal, and NO_COLOR (any value) or TERM=dumb turns it off", (t) => {
  t.true(colourEnabled({ isTTY: true }, {}));
  t.false(colourEnabled({ isTTY: false }, {}));
  t.false(colourEnabled({}, {}));
  t.false(colourEnabled({ isTTY: true }, { NO_COLOR: "1" }));
  t.true(colourEnabled({ isTTY: true }, { NO_COLOR: "" }), "an empty NO_COLOR is unset (no-color.org)");
  t.false(colourEnabled({ isTTY: true }, { TERM: "dumb" }));
});

test("paint colours warnings, errors and diff lines, nothing else", (t) => {
  t.is(paint("warning: heap"), "\x1b[33mwarning:\x1b[0m heap");
  t.is(paint("  warning: prod: brokers"), "  \x1b[33mwarning:\x1b[0m prod: brokers");
  t.is(paint("error: bad"), "\x1b[31merror:\x1b[0m bad");
  t.is(paint("+added"), "\x1b[32m+added\x1b[0m");
  t.is(paint("-removed"), "\x1b[31m-removed\x1b[0m");
  t.is(paint("--- a/x"), "--- a/x", "file headers stay plain");
  t.is(paint("  dev: 6 added"), "  dev: 6 added");
});

test("a writer colours only a terminal stream", (t) => {
  const written: string[] = [];
  const stream = (isTTY: boolean) => ({ isTTY, write: (s: string) => written.push(s) });
  writer(stream(false), {})("warning: x\n");
  writer(stream(true), {})("warning: x\n");
  writer(stream(true), { NO_COLOR: "1" })("warning: x\n");
  t.deepEqual(written, ["warning: x\n", "\x1b[33mwarning:\x1b[0m x\n", "warning: x\n"]);
});
