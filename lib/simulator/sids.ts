import { randomBytes } from 'node:crypto';

/** A Twilio-shaped sid: two-letter prefix + 32 hex (SM/MM message, ME media). */
export function newSid(prefix: 'SM' | 'MM' | 'ME' | 'AC'): string {
  return prefix + randomBytes(16).toString('hex');
}
