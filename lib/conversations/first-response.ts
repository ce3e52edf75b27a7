import { getDb } from '@/db/client';
import { setFirstResponseAt } from '@/db/queries/conversations';
import { onEvent } from '@/lib/events/bus';
import { EVENT } from '@/lib/events/types';

// Imported once by lib/bootstrap.ts. Reports' first-response time: the first reply an agent wrote
// (system notes are not replies). Listeners run in the process that published the event.
const g = globalThis as unknown as { __parleyFirstResponseListener?: boolean };

if (!g.__parleyFirstResponseListener) {
  g.__parleyFirstResponseListener = true;
  onEvent(EVENT.messageCreated, async (e) => {
    if (e.type !== 'message.created') return;
    const m = e.data.message;
    if (m.direction !== 'outbound' || m.kind === 'system' || !m.author) return;
    await setFirstResponseAt(getDb(), { conversationId: e.data.conversationId, at: new Date(m.createdAt) });
  });
}
