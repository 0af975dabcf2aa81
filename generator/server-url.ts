// One way to tell whether two Argo CD destination servers are the same API
// server: Argo CD matches `destination.server` as a string, but a person (and an
// attacker) may write the same server as HTTPS://Host:443/ or https://host.
// Used by the namespace-clash rule and by the guard on a moved environment.

/** Lower-case scheme and host, no default port (443 for https, 80 for http), no trailing slash. */
export function normalizeServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server.trim());
  } catch {
    return server.trim().replace(/\/+$/, "").toLowerCase();
  }
  // URL already lower-cases scheme and host and drops the scheme's default port.
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.username ? `${url.username}@` : ""}${url.host}${path}${url.search}`;
}

export function sameServer(a: string, b: string): boolean {
  return normalizeServer(a) === normalizeServer(b);
}
