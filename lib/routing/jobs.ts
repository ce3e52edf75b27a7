// The routing workers: registered by importing this module (lib/jobs/workers.ts); the services
// they run never import it back (they schedule through ./offer-timeout).
import type { PgBoss } from 'pg-boss';
import { defineJob } from '@/lib/jobs/boss';
import { placeStrandedChats } from './assign';
import { expireOffer, expireStaleOffers } from './offers';
import { OFFER_TIMEOUT_JOB, scheduleOfferTimeout } from './offer-timeout';
import { closeSilentConversations } from './resolve';

export const SWEEP_JOB = 'routing.sweep';

defineJob<{ conversationId: string }>({
  name: OFFER_TIMEOUT_JOB,
  queue: { retryLimit: 3, retryDelay: 1 },
  concurrency: 4,
  handler: async ({ conversationId }) => {
    const remaining = await expireOffer({ conversationId });
    // Still offered but not yet due (the job ran early, or the chat was offered again): check later.
    if (remaining > 0) await scheduleOfferTimeout({ conversationId, seconds: remaining });
  },
});

// Every minute, on whichever process takes it: chats silent past their queue's completion
// timeout are closed, and offers whose timeout job was lost (a process died) are handed on.
defineJob({
  name: SWEEP_JOB,
  queue: { retryLimit: 0, expireInSeconds: 120 },
  concurrency: 1,
  handler: async () => {
    await expireStaleOffers();
    await closeSilentConversations();
    await placeStrandedChats();
  },
});

/** Registers the per-minute sweep (idempotent: pg-boss keeps one schedule per name). */
export async function startRoutingSchedules(boss: PgBoss): Promise<void> {
  await boss.schedule(SWEEP_JOB, '* * * * *');
}
