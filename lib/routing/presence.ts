import { getDb } from '@/db/client';
import { getAgentLoad, lockUser, setUserPresence } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { dispatchForAgent, dispatchQueue, followUp } from './assign';
import { runChange } from './change';
import { agentChanged } from './events';
import { releaseOffers } from './offers';

export type Presence = User['presence'];
export type AgentState = { id: string; name: string; presence: Presence; load: number; maxChats: number };

/**
 * available: gets new chats, and the oldest waiting ones of its least_busy queues are placed at once.
 * away / offline: keeps its chats; offers not yet accepted go to someone else.
 */
export async function setPresence({ userId, presence }: { userId: string; presence: Presence }): Promise<AgentState> {
  const { user, released } = await runChange(async (tx, events) => {
    const current = await lockUser(tx, { id: userId });
    if (!current?.active) throw new AppError('not_found:No such user.');
    if (current.presence === presence) return { user: current, released: [] as string[] };
    const user = (await setUserPresence(tx, { userId, presence }))!;
    const released = presence === 'available' ? [] : await releaseOffers(tx, user, events);
    events.push(await agentChanged(tx, user));
    return { user, released };
  });
  for (const queueId of released) await followUp(() => dispatchQueue({ queueId }));
  if (user.presence === 'available') await followUp(() => dispatchForAgent({ userId }));
  const load = await getAgentLoad(getDb(), { userId });
  return { id: user.id, name: user.name, presence: user.presence, load, maxChats: user.maxChats };
}
