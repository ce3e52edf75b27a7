import { z } from 'zod';
import { accountSid, authToken, countryCode, e164, languageCode, name, uuid } from '@/lib/http/validation';

const fields = {
  name: name(),
  provider: z.enum(['twilio', 'simulator'], { message: 'must be twilio or simulator' }),
  phoneNumber: e164,
  accountSid,
  // Write-only: stored encrypted, never returned.
  authToken,
  queueId: uuid('queue'),
  language: languageCode,
  defaultCountry: countryCode,
  environment: z.enum(['sandbox', 'production'], { message: 'must be sandbox or production' }),
  active: z.boolean(),
  // Days to keep closed conversations' message content and media; null keeps them forever.
  retentionDays: z.number({ message: 'must be a number of days' }).int().min(1, 'must be at least 1 day').max(36500).nullable(),
};

export const createChannelSchema = z.object({
  ...fields,
  provider: fields.provider.optional().transform((v) => v ?? 'twilio'),
  accountSid: fields.accountSid.optional(),
  authToken: fields.authToken.optional(),
  language: fields.language.optional().transform((v) => v ?? 'en'),
  defaultCountry: fields.defaultCountry.optional().transform((v) => v ?? 'US'),
  environment: fields.environment.optional().transform((v) => v ?? 'production'),
  active: fields.active.optional(),
  retentionDays: fields.retentionDays.optional(),
});
export type CreateChannelBody = z.infer<typeof createChannelSchema>;

/** Every field optional; an empty or absent authToken keeps the stored one. */
export const updateChannelSchema = z
  .object({ ...fields, authToken: z.union([z.literal(''), fields.authToken]) })
  .partial()
  .strict()
  .transform(({ authToken: t, ...rest }) => (t ? { ...rest, authToken: t } : rest));

export const checkCredentialsSchema = z.object({ accountSid: accountSid.optional(), authToken: authToken.optional() }).strict();
