// Twilio / WhatsApp error codes an agent may see, in words a person understands.
const reasons: Record<string, string> = {
  '63016': 'The 24-hour window is closed: only an approved template can be sent until the customer writes again.',
  '63018': 'WhatsApp rate limit reached for this number: the message was not sent. Try again shortly.',
  '63024': 'This number is not on WhatsApp (or cannot receive WhatsApp messages).',
  '63003': 'The customer’s number could not be reached on WhatsApp.',
  '63014': 'The customer blocked this business or opted out of its messages.',
  '63021': 'The message was refused by WhatsApp because its content is not allowed.',
  '63019': 'The media could not be downloaded by WhatsApp (check its type and size).',
  '63032': 'WhatsApp did not deliver the message to this user (Meta’s per-user limit).',
  '63049': 'WhatsApp chose not to deliver this marketing template to this user.',
  '21211': 'The customer’s phone number is not valid.',
  '21408': 'This Twilio account may not send to the customer’s region.',
  '21608': 'The number is unverified on a Twilio trial account: verify it or upgrade the account.',
  '21610': 'The customer replied STOP and opted out of messages from this number.',
  '21614': 'The destination is not a mobile number that can receive messages.',
  '21656': 'The template variables are not valid for this template.',
  '20003': 'Twilio rejected this channel’s credentials (Account SID or auth token).',
  '20429': 'Too many requests to Twilio: the message will be retried.',
  '30001': 'Twilio’s queue for this number overflowed: the message was not sent.',
  '30002': 'The Twilio account is suspended.',
  '30003': 'The customer’s phone is unreachable or switched off.',
  '30004': 'The message was blocked (the customer may have blocked this number).',
  '30005': 'The customer’s number is unknown or no longer exists.',
  '30006': 'The customer’s number cannot receive this message (landline or unreachable carrier).',
  '30007': 'The carrier filtered this message as spam.',
  '30008': 'Delivery failed for an unknown reason.',
  '30034': 'The message was blocked: the sender is not registered for this traffic.',
};

/** Codes that will not heal by retrying the same request. */
export const NON_RETRYABLE = new Set([
  '63016', '63024', '63003', '63014', '63021', '21211', '21408', '21608', '21610', '21614', '21656', '20003', '30002',
]);

export function readableReason(code: string | number | null | undefined, fallback?: string | null): string | null {
  if (code === null || code === undefined || code === '') return fallback ?? null;
  return reasons[String(code)] ?? fallback ?? `Delivery failed (error ${code}).`;
}
