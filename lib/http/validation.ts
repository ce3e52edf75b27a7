import { z } from 'zod';
import { unknownQuickReplyFields } from '@/lib/templates/placeholders';
import { UUID_PATTERN } from '@/lib/ids';

// Field rules shared by the admin routes' schemas (each route keeps its own schema.ts).

export const e164 = z
  .string()
  .trim()
  // Accept what people paste from Twilio's console: "whatsapp:+1 415 555 0100".
  .transform((s) => s.replace(/^whatsapp:/i, '').replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number: + country code and number, like +14155550100'));

export const accountSid = z
  .string()
  .trim()
  .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID: AC followed by 32 hexadecimal characters');

export const authToken = z.string().trim().min(16, 'looks too short for a Twilio auth token').max(128, 'is too long');

export const languageCode = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'must be a language code like en, es or pt-BR');

export const countryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code like US or ES'));

export const uuid = (what: string) => z.string().regex(UUID_PATTERN, `must be a ${what} id`);

export const name = (max = 100) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const password = z.string().min(8, 'must be at least 8 characters').max(200, 'is too long');

/** `/Greet` or `greet` → `greet`. */
export function normaliseShortcut(s: string): string {
  return s.trim().replace(/^\/+/, '').toLowerCase();
}

export const shortcut = z
  .string()
  .transform(normaliseShortcut)
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'use letters, digits, - or _ (up to 32), like /greeting'));

export const quickReplyText = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(2000, 'must be at most 2000 characters')
  .superRefine((text, ctx) => {
    const unknown = unknownQuickReplyFields(text);
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', message: `unknown field {{${unknown[0]}}}; use {{contact.name}}, {{contact.phone}} or {{agent.name}}` });
    }
  });

export const contentSid = z.string().trim().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a ContentSid: HX followed by 32 hexadecimal characters');
