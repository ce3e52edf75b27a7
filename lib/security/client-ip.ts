/**
 * The caller's address as the front door saw it (lib/security/front-door.ts sets the header from
 * the TCP peer and overwrites whatever a client sent under that name).
 */
export const CLIENT_IP_HEADER = 'x-parley-client-ip';

export function clientIpOf(headers: { get(name: string): string | null } | Record<string, unknown>): string {
  const v =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get(CLIENT_IP_HEADER)
      : (headers as Record<string, unknown>)[CLIENT_IP_HEADER];
  return (Array.isArray(v) ? v[0] : typeof v === 'string' ? v : null) || 'unknown';
}
