// Postgres enums shared by the tables.
import { pgEnum } from 'drizzle-orm/pg-core';

export const roleEnum = pgEnum('role', ['admin', 'supervisor', 'agent']);
export const presenceEnum = pgEnum('presence', ['available', 'away', 'offline']);
export const providerEnum = pgEnum('provider', ['twilio', 'simulator', 'meta']);
export const environmentEnum = pgEnum('environment', ['sandbox', 'production']);
export const routingRuleEnum = pgEnum('routing_rule', ['offer_all', 'least_busy']);
export const conversationStatusEnum = pgEnum('conversation_status', ['waiting', 'active', 'closed']);
export const directionEnum = pgEnum('direction', ['inbound', 'outbound']);
export const messageKindEnum = pgEnum('message_kind', [
  'text',
  'media',
  'location',
  'contacts',
  'button',
  'template',
  'system',
]);
// received: inbound. pending → queued < sent < delivered < read; failed/undelivered are terminal.
export const messageStatusEnum = pgEnum('message_status', [
  'received',
  'pending',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'undelivered',
]);
export const attachmentStatusEnum = pgEnum('attachment_status', ['pending', 'ready', 'failed']);
export const templateStatusEnum = pgEnum('template_status', [
  'approved',
  'pending',
  'rejected',
  'paused',
  'disabled',
  'unsubmitted',
]);
