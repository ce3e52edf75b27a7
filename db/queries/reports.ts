import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../client';

export type ReportFilter = { from: Date; to: Date; queueId?: string; agentId?: string; bucket: 'hour' | 'day'; timeZone: string };

export type Percentiles = { count: number; median: number | null; p90: number | null };

function conversationWhere(f: ReportFilter, alias = 'c'): SQL {
  const a = sql.raw(alias);
  const parts = [sql`${a}.created_at >= ${f.from.toISOString()}::timestamptz`, sql`${a}.created_at < ${f.to.toISOString()}::timestamptz`];
  if (f.queueId) parts.push(sql`${a}.queue_id = ${f.queueId}::uuid`);
  if (f.agentId) parts.push(sql`${a}.assignee_id = ${f.agentId}::uuid`);
  return sql.join(parts, sql` and `);
}

const bucketOf = (f: ReportFilter, col: SQL) =>
  sql`to_char(date_trunc(${f.bucket}, ${col} at time zone ${f.timeZone}), ${f.bucket === 'hour' ? 'YYYY-MM-DD"T"HH24:00' : 'YYYY-MM-DD'})`;

// Seconds between two timestamps, median and p90 (percentile_cont), for the chats that have both.
const stats = (expr: SQL, name: string) => sql`
  count(${expr})::int as ${sql.raw(`${name}_n`)},
  (percentile_cont(0.5) within group (order by ${expr}))::float8 as ${sql.raw(`${name}_median`)},
  (percentile_cont(0.9) within group (order by ${expr}))::float8 as ${sql.raw(`${name}_p90`)}`;
const WAIT = sql`extract(epoch from c.assigned_at - c.created_at)`;
const FIRST_RESPONSE = sql`extract(epoch from c.first_response_at - c.created_at)`;
const HANDLE = sql`extract(epoch from c.closed_at - c.assigned_at)`;

export type VolumeRow = { bucket: string; conversations: number; inbound: number; outbound: number };

/** Conversations started, and messages in and out, per hour or day (in the viewer's time zone). */
export async function volumeByBucket(db: Db, f: ReportFilter): Promise<VolumeRow[]> {
  const result = await db.execute(sql`
    with conv as (
      select ${bucketOf(f, sql`c.created_at`)} as bucket, count(*)::int as n from conversations c where ${conversationWhere(f)} group by 1
    ), msg as (
      select ${bucketOf(f, sql`m.created_at`)} as bucket,
        count(*) filter (where m.direction = 'inbound')::int as inbound,
        count(*) filter (where m.direction = 'outbound')::int as outbound
      from messages m join conversations c on c.id = m.conversation_id
      where m.kind <> 'system' and m.created_at >= ${f.from.toISOString()}::timestamptz and m.created_at < ${f.to.toISOString()}::timestamptz
        ${f.queueId ? sql`and c.queue_id = ${f.queueId}::uuid` : sql``}
        ${f.agentId ? sql`and c.assignee_id = ${f.agentId}::uuid` : sql``}
      group by 1
    )
    select coalesce(conv.bucket, msg.bucket) as bucket, coalesce(conv.n, 0)::int as conversations,
      coalesce(msg.inbound, 0)::int as inbound, coalesce(msg.outbound, 0)::int as outbound
    from conv full join msg on msg.bucket = conv.bucket
    order by 1`);
  return rowsOf<VolumeRow>(result);
}

function toPercentiles(r: Record<string, unknown>, prefix: string): Percentiles {
  // Seconds, to a tenth.
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
  return { count: num(r[`${prefix}_n`]) ?? 0, median: num(r[`${prefix}_median`]), p90: num(r[`${prefix}_p90`]) };
}

export type TimesRow = { key: string | null; name: string | null; chats: number; closed: number; wait: Percentiles; firstResponse: Percentiles; handle: Percentiles };

/** Wait, first response and handle times (median, p90) grouped by `by`: everything, bucket, queue or agent. */
export async function timesBy(db: Db, f: ReportFilter, by: 'all' | 'bucket' | 'queue' | 'agent'): Promise<TimesRow[]> {
  const key =
    by === 'all' ? sql`null::text` : by === 'bucket' ? bucketOf(f, sql`c.created_at`) : by === 'queue' ? sql`c.queue_id::text` : sql`c.assignee_id::text`;
  const name = by === 'queue' ? sql`max(q.name)` : by === 'agent' ? sql`max(u.name)` : sql`null::text`;
  const result = await db.execute(sql`
    select ${key} as key, ${name} as name, count(*)::int as chats, count(c.closed_at)::int as closed,
      ${stats(WAIT, 'wait')}, ${stats(FIRST_RESPONSE, 'first')}, ${stats(HANDLE, 'handle')}
    from conversations c
    join queues q on q.id = c.queue_id
    left join users u on u.id = c.assignee_id
    where ${conversationWhere(f)} ${by === 'agent' ? sql`and c.assignee_id is not null` : sql``}
    group by 1 order by ${by === 'bucket' ? sql`1` : sql`3 desc, 2`}`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    key: (r.key as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    chats: Number(r.chats),
    closed: Number(r.closed),
    wait: toPercentiles(r, 'wait'),
    firstResponse: toPercentiles(r, 'first'),
    handle: toPercentiles(r, 'handle'),
  }));
}

export type FailedSendRow = { errorCode: string | null; reason: string; count: number };

/** Outbound messages that failed or were undelivered in the period, by reason. */
export async function failedSendsByReason(db: Db, f: ReportFilter): Promise<FailedSendRow[]> {
  const result = await db.execute(sql`
    select m.error_code as "errorCode", coalesce(m.error_reason, 'Unknown reason') as reason, count(*)::int as count
    from messages m join conversations c on c.id = m.conversation_id
    where m.status in ('failed', 'undelivered') and m.direction = 'outbound'
      and m.created_at >= ${f.from.toISOString()}::timestamptz and m.created_at < ${f.to.toISOString()}::timestamptz
      ${f.queueId ? sql`and c.queue_id = ${f.queueId}::uuid` : sql``}
      ${f.agentId ? sql`and c.assignee_id = ${f.agentId}::uuid` : sql``}
    group by 1, 2 order by 3 desc, 2`);
  return rowsOf<FailedSendRow>(result);
}
