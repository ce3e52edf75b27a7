import type { Conversation } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { WINDOW_MS } from './dto';

// WhatsApp's customer-service window: free text and media only within 24 h of the customer's last
// message; outside it only an approved template may be sent (Twilio would fail it with 63016).

export function windowExpiresAt(c: Pick<Conversation, 'lastInboundAt'>): Date | null {
  return c.lastInboundAt ? new Date(c.lastInboundAt.getTime() + WINDOW_MS) : null;
}

export function isWindowOpen(c: Pick<Conversation, 'lastInboundAt'>, now: Date = new Date()): boolean {
  const expires = windowExpiresAt(c);
  return !!expires && expires.getTime() > now.getTime();
}

/** 422 window_closed before anything is stored or sent. */
export function assertWindowOpen(c: Pick<Conversation, 'lastInboundAt'>, now: Date = new Date()): void {
  if (isWindowOpen(c, now)) return;
  throw new AppError(
    c.lastInboundAt
      ? 'window_closed:The 24-hour window closed: the customer has not written for over 24 hours. Send an approved template instead.'
      : 'window_closed:The customer has not written yet, so the 24-hour window is not open. Send an approved template instead.',
  );
}
