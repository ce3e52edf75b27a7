import { asc, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { channels, queues, users } from '@/db/schema';

export type FilterOptions = {
  channels: { id: string; name: string }[];
  queues: { id: string; name: string }[];
  agents: { id: string; name: string }[];
};

/** Names for the history and report filters' drop-downs. */
export async function getFilterOptions(db: Db): Promise<FilterOptions> {
  const [c, q, a] = await Promise.all([
    db.select({ id: channels.id, name: channels.name }).from(channels).orderBy(asc(channels.name)),
    db.select({ id: queues.id, name: queues.name }).from(queues).orderBy(asc(queues.name)),
    db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.role, ['agent', 'supervisor'])).orderBy(asc(users.name)),
  ]);
  return { channels: c, queues: q, agents: a };
}
