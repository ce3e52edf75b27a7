import type { Db } from '@/db/client';
import { auditLog } from '@/db/schema';

const SECRET_KEYS = /^(authToken|authTokenEncrypted|password|passwordHash|token|tokenHash|secret)$/i;

/** Removes secrets from a before/after snapshot: the audit log never holds one. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? (v ? '[set]' : null) : redactSecrets(v)]),
    );
  }
  return value;
}

/** Who did what to which entity, with before/after (secrets redacted). Call inside the change's transaction. */
export async function writeAudit(
  db: Db,
  entry: { actorId: string | null; action: string; entity: string; entityId?: string | null; before?: unknown; after?: unknown },
): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    before: entry.before === undefined ? null : redactSecrets(entry.before),
    after: entry.after === undefined ? null : redactSecrets(entry.after),
  });
}
