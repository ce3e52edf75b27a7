import { enqueueJob } from '@/lib/jobs/boss';

export const OFFER_TIMEOUT_JOB = 'routing.offer-timeout';

/** Schedules the accept timeout of a least_busy offer (its worker is in lib/routing/jobs.ts). */
export async function scheduleOfferTimeout({ conversationId, seconds }: { conversationId: string; seconds: number }) {
  await enqueueJob(OFFER_TIMEOUT_JOB, { conversationId }, { startAfter: Math.max(1, Math.ceil(seconds)) });
}
