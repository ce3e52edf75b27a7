const BASE = 'http://parley.invalid';

/**
 * Where to send someone after sign-in: a path of this site, or null. Browsers read `/\evil.host`
 * and `/<TAB>/evil.host` as `//evil.host` (another site), so the check is the browser's own URL
 * parser, not a prefix test: the value must resolve to this origin, and contain no backslash or
 * control character that a browser would drop or rewrite.
 */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.length > 2000) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = url.pathname + url.search + url.hash;
  if (path.startsWith('//') || path === '/login' || path.startsWith('/login?') || path.startsWith('/api/')) return null;
  return path;
}
