// One normalisation of API server URLs, used by the namespace-clash rule and the move guard.
import test from "ava";
import { ConfigError } from "../generator/errors.js";
import { normalizeServer, sameServer } from "../generator/server-url.js";
import { config } from "./support/configs.js";
import { renderText } from "./support/render.js";

test("scheme and host case, the default port and a trailing slash do not make another server", (t) => {
  for (const s of [
    "HTTPS://Kubernetes.Default.SVC",
    "https://kubernetes.default.svc:443",
    "https://kubernetes.default.svc/",
    " https://kubernetes.default.svc// ",
  ])
    t.is(normalizeServer(s), "https://kubernetes.default.svc", s);
  t.is(normalizeServer("http://api.example.com:80/"), "http://api.example.com");
  t.false(sameServer("https://a.example.com:6443", "https://a.example.com"), "a non-default port is another server");
  t.false(sameServer("http://a.example.com", "https://a.example.com"), "another scheme is another server");
  t.false(sameServer("https://a.example.com/x", "https://a.example.com"), "another path is another server");
});

test("the namespace-clash rule compares servers after normalising them", (t) => {
  for (const other of ["'HTTPS://API.example.com'", "'https://api.example.com:443'", "'https://api.example.com/'"]) {
    const text = config({ a: "{server: 'https://api.example.com', namespace: shared}", b: `{server: ${other}, namespace: shared, cluster: other}` });
    const err = t.throws(() => renderText(text), { instanceOf: ConfigError }, other);
    t.regex(err!.message, /environments\.b\.namespace: environment a already uses namespace shared on /, other);
  }
  t.notThrows(() =>
    renderText(
      config({ a: "{server: 'https://api.example.com', namespace: shared}", b: "{server: 'https://api.example.com:6443', namespace: shared, cluster: other}" }),
    ),
  );
});
