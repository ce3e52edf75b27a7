import { createHash } from 'node:crypto';
import { rfc2822 } from './twilio-errors';

type Sample = {
  name: string;
  language: string;
  category: 'UTILITY' | 'MARKETING';
  body: string;
  variables: Record<string, string>;
  actions?: { title: string; id: string }[];
};

// What a simulator account's Content API offers: approved templates to import and try, one with quick-reply buttons.
const SAMPLES: Sample[] = [
  { name: 'order_update', language: 'en', category: 'UTILITY', body: 'Hi {{1}}, your order {{2}} has shipped and arrives on {{3}}.', variables: { 1: 'Ana', 2: '#1042', 3: 'Friday' } },
  {
    name: 'appointment_reminder',
    language: 'en',
    category: 'UTILITY',
    body: 'Hello {{1}}, a reminder of your appointment on {{2}}. Can you make it?',
    variables: { 1: 'Ana', 2: 'Monday at 10:00' },
    actions: [
      { title: 'Yes, I will be there', id: 'CONFIRM' },
      { title: 'Please reschedule', id: 'RESCHEDULE' },
    ],
  },
  { name: 'follow_up', language: 'en', category: 'UTILITY', body: 'Hi {{1}}, we have not heard from you. Reply to this message to continue the conversation.', variables: { 1: 'Ana' } },
  { name: 'actualizacion_pedido', language: 'es', category: 'UTILITY', body: 'Hola {{1}}, tu pedido {{2}} ha sido enviado.', variables: { 1: 'Ana', 2: '#1042' } },
  {
    name: 'seguimiento',
    language: 'es',
    category: 'UTILITY',
    body: 'Hola {{1}}, no hemos sabido de ti. ¿Seguimos con tu consulta?',
    variables: { 1: 'Ana' },
    actions: [
      { title: 'Sí, por favor', id: 'SI' },
      { title: 'No, gracias', id: 'NO' },
    ],
  },
];

/** Stable per account: importing twice refreshes the same templates instead of adding new ones. */
function sampleSid(accountSid: string, name: string): string {
  return 'HX' + createHash('sha256').update(`${accountSid}:${name}`).digest('hex').slice(0, 32);
}

/** The quick-reply buttons of a sample template, by its ContentSid. */
export function sampleActions(accountSid: string, contentSid: string): { title: string; id: string }[] | null {
  return SAMPLES.find((s) => sampleSid(accountSid, s.name) === contentSid)?.actions ?? null;
}

/** GET /v1/ContentAndApprovals for a simulator account, in the Content API's shape. */
export function contentAndApprovals(accountSid: string, url: string) {
  const created = rfc2822(new Date('2026-01-01T00:00:00Z'));
  return {
    contents: SAMPLES.map((s) => ({
      account_sid: accountSid,
      sid: sampleSid(accountSid, s.name),
      friendly_name: s.name,
      language: s.language,
      date_created: created,
      date_updated: created,
      variables: s.variables,
      types: s.actions
        ? { 'twilio/quick-reply': { body: s.body, actions: s.actions }, 'twilio/text': { body: s.body } }
        : { 'twilio/text': { body: s.body } },
      approval_requests: { name: s.name, category: s.category, status: 'approved', rejection_reason: '', allow_category_change: false },
    })),
    meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: 'contents' },
  };
}

/** The samples as Parley's template fields (approved), for the embedded demo's channels. */
export function sampleTemplates(accountSid: string) {
  return SAMPLES.map((s) => ({
    contentSid: sampleSid(accountSid, s.name),
    name: s.name,
    language: s.language,
    category: s.category.toLowerCase(),
    body: s.body,
    variables: Object.fromEntries(Object.entries(s.variables).map(([k, v]) => [k, String(v)])),
    status: 'approved' as const,
  }));
}
