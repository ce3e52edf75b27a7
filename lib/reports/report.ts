import { z } from 'zod';
import type { Db } from '@/db/client';
import { failedSendsByReason, timesBy, volumeByBucket, type FailedSendRow, type TimesRow, type VolumeRow } from '@/db/queries/reports';
import { AppError } from '@/lib/errors';
import { csvRow } from '@/lib/history/export';

const DAY = 24 * 60 * 60 * 1000;
const MAX_DAYS = 366;

export const reportQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  queueId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  bucket: z.enum(['hour', 'day']).optional(),
  tz: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Madrid')
    .optional(),
  format: z.enum(['json', 'csv']).optional(),
  section: z.enum(['volume', 'timesByBucket', 'queues', 'agents', 'failedSends']).optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export type Report = {
  period: { from: string; to: string; bucket: 'hour' | 'day'; timeZone: string; queueId: string | null; agentId: string | null };
  totals: TimesRow;
  volume: VolumeRow[];
  timesByBucket: TimesRow[];
  queues: TimesRow[];
  agents: TimesRow[];
  failedSends: FailedSendRow[];
};

/** Volume, wait / first response / handle times (median, p90), chats per agent and queue, failed sends. */
export async function buildReport({ db, query, now = new Date() }: { db: Db; query: ReportQuery; now?: Date }): Promise<Report> {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY);
  if (from >= to) throw new AppError('validation_failed:from must be before to.');
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY) throw new AppError(`validation_failed:The period can be at most ${MAX_DAYS} days.`);
  const bucket = query.bucket ?? (to.getTime() - from.getTime() <= 2 * DAY ? 'hour' : 'day');
  const f = { from, to, bucket, timeZone: query.tz ?? 'UTC', queueId: query.queueId, agentId: query.agentId };
  const [all, volume, timesByBucket, queues, agents, failedSends] = await Promise.all([
    timesBy(db, f, 'all'),
    volumeByBucket(db, f),
    timesBy(db, f, 'bucket'),
    timesBy(db, f, 'queue'),
    timesBy(db, f, 'agent'),
    failedSendsByReason(db, f),
  ]);
  const empty = { count: 0, median: null, p90: null };
  return {
    period: { from: from.toISOString(), to: to.toISOString(), bucket, timeZone: f.timeZone, queueId: f.queueId ?? null, agentId: f.agentId ?? null },
    totals: all[0] ?? { key: null, name: null, chats: 0, closed: 0, wait: empty, firstResponse: empty, handle: empty },
    volume,
    timesByBucket,
    queues,
    agents,
    failedSends,
  };
}

const timesHeader = [
  'chats', 'closed',
  'wait_median_s', 'wait_p90_s', 'first_response_median_s', 'first_response_p90_s', 'handle_median_s', 'handle_p90_s',
];
const timesValues = (r: TimesRow) => [
  r.chats, r.closed, r.wait.median, r.wait.p90, r.firstResponse.median, r.firstResponse.p90, r.handle.median, r.handle.p90,
].map((v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v));

/** The numbers behind one chart as CSV. */
export function reportSectionCsv(report: Report, section: NonNullable<ReportQuery['section']>): string {
  switch (section) {
    case 'volume':
      return csvRow(['bucket', 'conversations', 'inbound_messages', 'outbound_messages']) +
        report.volume.map((r) => csvRow([r.bucket, r.conversations, r.inbound, r.outbound])).join('');
    case 'timesByBucket':
      return csvRow(['bucket', ...timesHeader]) + report.timesByBucket.map((r) => csvRow([r.key, ...timesValues(r)])).join('');
    case 'queues':
      return csvRow(['queue_id', 'queue', ...timesHeader]) + report.queues.map((r) => csvRow([r.key, r.name, ...timesValues(r)])).join('');
    case 'agents':
      return csvRow(['agent_id', 'agent', ...timesHeader]) + report.agents.map((r) => csvRow([r.key, r.name, ...timesValues(r)])).join('');
    case 'failedSends':
      return csvRow(['error_code', 'reason', 'count']) + report.failedSends.map((r) => csvRow([r.errorCode, r.reason, r.count])).join('');
  }
}
