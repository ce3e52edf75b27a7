import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

// Twilio addresses WhatsApp users as `whatsapp:+14155550100`; the prefix is not part of the number.
export function stripChannelPrefix(address: string): string {
  return address.replace(/^[a-z]+:/i, '').trim();
}

/**
 * E.164 form of a number as Twilio sends it (`whatsapp:+...`, a bare WaId without `+`, or a
 * national number, which takes the channel's default country). Null when it is not a number.
 */
export function toE164(address: string, defaultCountry?: string): string | null {
  const key = `${defaultCountry ?? ''}|${address}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = parseE164(address, defaultCountry);
  // Customers write many times: parsing (a few ms with libphonenumber's metadata) is done once per number.
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, result);
  return result;
}

const cache = new Map<string, string | null>();

function parseE164(address: string, defaultCountry?: string): string | null {
  const value = stripChannelPrefix(address);
  if (!value) return null;
  const country = (defaultCountry?.toUpperCase() || undefined) as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(value, country);
  if (parsed?.isPossible()) return parsed.number;
  // A WaId is the international number without "+": try it as one.
  if (/^\d{8,15}$/.test(value)) {
    const intl = parsePhoneNumberFromString(`+${value}`);
    if (intl?.isPossible()) return intl.number;
  }
  return null;
}

/** `whatsapp:+E164` for Twilio's From/To. */
export function toWhatsAppAddress(e164: string): string {
  return `whatsapp:${e164}`;
}
