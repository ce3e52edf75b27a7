import type { Message } from '@/db/schema';

export type MessageStatus = Message['status'];

// Outbound progress only moves forward: pending < queued < sent < delivered < read.
// failed/undelivered are terminal. Providers may report statuses out of order (read before delivered,
// a late "sent" after "delivered"); only a step forward is applied.
const rank: Record<MessageStatus, number> = {
  received: 0,
  pending: 1,
  queued: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  failed: 6,
  undelivered: 6,
};

export function isTerminal(status: MessageStatus): boolean {
  return status === 'failed' || status === 'undelivered';
}

/** Whether `next` may replace `current`. */
export function canAdvance(current: MessageStatus, next: MessageStatus): boolean {
  if (current === next || isTerminal(current) || current === 'received') return false;
  if (isTerminal(next)) return current !== 'delivered' && current !== 'read';
  return rank[next] > rank[current];
}
