/**
 * Cross-origin request protection, the rule Go's net/http CrossOriginProtection uses: a browser
 * tells where a request comes from (Sec-Fetch-Site, else Origin); a state-changing request from any
 * other origin is refused. That covers what SameSite cookies do not: a sibling app on another port
 * or a subdomain is "same site" and would get the session cookie. Requests with neither header do
 * not come from a browser page (curl, the Twilio SDK, server-to-server calls) and pass.
 */
export type HeaderGetter = (name: string) => string | null | undefined;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** The origins a page of this Parley is served from: PUBLIC_URL's, and the Host the request names. */
function ownOrigins(get: HeaderGetter, publicUrl: string): Set<string> {
  const own = new Set<string>();
  const pub = originOf(publicUrl);
  if (pub) own.add(pub);
  // The Host the browser asked for, with PUBLIC_URL's scheme (Parley sits behind TLS there, or not).
  const host = get('host');
  if (host) own.add(`${publicUrl.startsWith('https:') ? 'https' : 'http'}://${host.toLowerCase()}`);
  return own;
}

/** Whether a browser sent this request from a page of another origin. */
export function comesFromAnotherOrigin(get: HeaderGetter, publicUrl: string): boolean {
  const site = get('sec-fetch-site')?.toLowerCase();
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = get('origin');
  if (!origin) return false;
  // "null" is what a sandboxed frame, a data: URL or a redirected form sends: never our own page.
  return !ownOrigins(get, publicUrl).has(origin);
}

/** A request that changes state (POST, PUT, PATCH, DELETE, ...) from another origin's page. */
export function isCrossOriginWrite(method: string | undefined, get: HeaderGetter, publicUrl: string): boolean {
  if (SAFE_METHODS.has((method ?? 'GET').toUpperCase())) return false;
  return comesFromAnotherOrigin(get, publicUrl);
}
