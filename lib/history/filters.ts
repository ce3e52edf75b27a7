import { z } from 'zod';
import type { HistoryFilter, HistoryKey } from '@/db/queries/history';
import { AppError } from '@/lib/errors';
import { parseWith } from '@/lib/http/body';
import { toE164 } from '@/lib/phone';

const date = z
  .string()
  .trim()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date (ISO 8601)')
  .transform((s) => new Date(s));

/** Query parameters of GET /api/v1/history and /history/export (all optional). */
export const historyQuerySchema = z.object({
  from: date.optional(),
  to: date.optional(),
  channelId: z.uuid().optional(),
  queueId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  status: z.enum(['waiting', 'active', 'closed']).optional(),
  contact: z.string().trim().max(100).optional(),
  q: z.string().trim().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** Parses query parameters; empty values count as absent (a form's blank fields). */
export function parseHistoryQuery(params: Record<string, string>): HistoryQuery {
  const present = Object.fromEntries(Object.entries(params).filter(([, v]) => v.trim() !== ''));
  return parseWith(historyQuerySchema, present);
}

const PHONE_LIKE = /^\+?[\d\s().-]{6,20}$/;

/**
 * The query's filter. `contact` is an exact number when it looks like one (normalised to E.164:
 * `+34 612 34 56 78`, `34612345678` and `whatsapp:+34612345678` find the same contact), else words of the name.
 */
export function toHistoryFilter(q: HistoryQuery): HistoryFilter {
  const f: HistoryFilter = {
    from: q.from,
    to: q.to,
    channelId: q.channelId,
    queueId: q.queueId,
    agentId: q.agentId,
    status: q.status,
    q: q.q || undefined,
  };
  if (q.contact) {
    const raw = q.contact.replace(/^whatsapp:/i, '');
    if (PHONE_LIKE.test(raw)) {
      const digits = raw.replace(/\D/g, '');
      f.contactPhone = toE164(raw.startsWith('+') ? raw : `+${digits}`) ?? `+${digits}`;
    } else {
      f.contactName = q.contact;
    }
  }
  return f;
}

export function encodeCursor(key: HistoryKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.id])).toString('base64url');
}

export function decodeCursor(cursor: string): HistoryKey {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(createdAt)) && z.uuid().safeParse(id).success) {
      return { createdAt, id };
    }
  } catch {
    // falls through
  }
  throw new AppError('validation_failed:cursor: not a cursor this API returned.');
}
