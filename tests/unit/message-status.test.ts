import { describe, expect, it } from 'vitest';
import { canAdvance } from '@/lib/conversations/message-status';
import { readableReason } from '@/lib/channels/twilio/errors';
import { fromTwilioStatus } from '@/lib/channels/twilio/parse';

describe('delivery ticks only move forward', () => {
  it('moves pending → sent → delivered → read', () => {
    expect(canAdvance('pending', 'sent')).toBe(true);
    expect(canAdvance('sent', 'delivered')).toBe(true);
    expect(canAdvance('delivered', 'read')).toBe(true);
    expect(canAdvance('sent', 'read')).toBe(true);
  });
  it('never goes backwards and never leaves failed', () => {
    expect(canAdvance('read', 'delivered')).toBe(false);
    expect(canAdvance('delivered', 'sent')).toBe(false);
    expect(canAdvance('failed', 'delivered')).toBe(false);
    expect(canAdvance('undelivered', 'read')).toBe(false);
    expect(canAdvance('read', 'failed')).toBe(false);
    expect(canAdvance('sent', 'failed')).toBe(true);
  });
  it('maps Twilio statuses and explains error codes', () => {
    expect(fromTwilioStatus('sending')).toBe('queued');
    expect(fromTwilioStatus('bogus')).toBeNull();
    expect(readableReason('63024')).toMatch(/not on WhatsApp/);
    expect(readableReason('99999')).toMatch(/error 99999/);
  });
});
