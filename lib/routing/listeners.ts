import { getDb } from '@/db/client';
import { setFirstResponseAt } from '@/db/queries/routing';
import { EVENT } from '@/lib/events/types';
import { onEvent } from '@/lib/events/bus';
import { dispatchQueue, followUp } from './assign';
import { runChange } from './change';
import { queueChanged } from './events';
import './jobs';

// Imported once by lib/bootstrap.ts. Listeners run in the process that published the event.
const g = globalThis as unknown as { __parleyRoutingListeners?: boolean };

if (!g.__parleyRoutingListeners) {
  g.__parleyRoutingListeners = true;

  // A new chat (ingest files it as waiting in the channel's queue): counters move, least_busy places it.
  onEvent(EVENT.conversationCreated, async (e) => {
    if (e.type !== 'conversation.created') return;
    const { queueId } = e.data.conversation;
    await runChange(async (tx, events) => {
      events.push(await queueChanged(tx, queueId));
    });
    await followUp(() => dispatchQueue({ queueId }));
  });

  // Reports: the first reply an agent wrote (system notes are not replies).
  onEvent(EVENT.messageCreated, async (e) => {
    if (e.type !== 'message.created') return;
    const m = e.data.message;
    if (m.direction !== 'outbound' || m.kind === 'system' || !m.author) return;
    await setFirstResponseAt(getDb(), { conversationId: e.data.conversationId, at: new Date(m.createdAt) });
  });
}
