import { countHistory, searchHistory, type HistoryFilter, type HistoryKey } from '@/db/queries/history';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/roles';
import { writeAudit } from '@/lib/audit';
import { logger } from '@/lib/logger';
import { toHistoryItem, type HistoryItem } from './search';

export type ExportFormat = 'csv' | 'json';

const BATCH = 500;

export const CSV_COLUMNS: { header: string; value: (i: HistoryItem) => string | number | null }[] = [
  { header: 'id', value: (i) => i.id },
  { header: 'status', value: (i) => i.status },
  { header: 'language', value: (i) => i.language },
  { header: 'contact_name', value: (i) => i.contact.name },
  { header: 'contact_phone', value: (i) => i.contact.phone },
  { header: 'channel', value: (i) => i.channel.name },
  { header: 'queue', value: (i) => i.queue.name },
  { header: 'agent', value: (i) => i.agent?.name ?? null },
  { header: 'started_at', value: (i) => i.startedAt },
  { header: 'assigned_at', value: (i) => i.assignedAt },
  { header: 'first_response_at', value: (i) => i.firstResponseAt },
  { header: 'ended_at', value: (i) => i.endedAt },
  { header: 'wait_seconds', value: (i) => i.waitSeconds },
  { header: 'first_response_seconds', value: (i) => i.firstResponseSeconds },
  { header: 'message_count', value: (i) => i.messageCount },
  { header: 'close_reason', value: (i) => i.closeReason },
];

/** RFC 4180 field; a leading =+-@ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvField(v: string | number | null): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: (string | number | null)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/**
 * The filtered set as a byte stream, read from the database in keyset batches as the client
 * consumes it: memory stays one batch whatever the size. The audit entry is written first.
 */
export async function exportHistory({
  db,
  actor,
  filter,
  format,
}: {
  db: Db;
  actor: Actor;
  filter: HistoryFilter;
  format: ExportFormat;
}): Promise<{ stream: ReadableStream<Uint8Array>; total: number }> {
  const total = await countHistory(db, { filter });
  await writeAudit(db, {
    actorId: actor.id,
    action: 'exported',
    entity: 'history',
    after: { format, total, filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } },
  });
  const encoder = new TextEncoder();
  let after: HistoryKey | undefined;
  let started = false;
  let done = false;
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(format === 'csv' ? csvRow(CSV_COLUMNS.map((c) => c.header)) : '[\n'));
          return;
        }
        if (done) return;
        const rows = await searchHistory(db, { filter, after, limit: BATCH });
        if (rows.length) {
          const last = rows[rows.length - 1]!;
          after = { createdAt: last.cursorTs, id: last.id };
          let chunk = '';
          for (const r of rows) {
            const item = toHistoryItem(r);
            if (format === 'csv') chunk += csvRow(CSV_COLUMNS.map((c) => c.value(item)));
            else {
              chunk += (first ? '' : ',\n') + JSON.stringify(item);
              first = false;
            }
          }
          controller.enqueue(encoder.encode(chunk));
        }
        if (rows.length < BATCH) {
          done = true;
          if (format === 'json') controller.enqueue(encoder.encode('\n]\n'));
          controller.close();
        }
      } catch (err) {
        logger.error({ err }, 'history export failed');
        controller.error(err);
      }
    },
  });
  return { stream, total };
}
