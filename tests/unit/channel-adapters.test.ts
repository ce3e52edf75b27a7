import { describe, expect, it } from 'vitest';
import { adapterFor, webhookAdapterFor } from '@/lib/channels';
import { parseTwilioMessage, parseTwilioStatus } from '@/lib/channels/twilio/parse';

const base = { MessageSid: 'SM1', From: 'whatsapp:+14155550100', To: 'whatsapp:+14155550199', WaId: '14155550100', ProfileName: 'Ana', NumMedia: '0' };

describe('Twilio adapter: form fields → InboundMessage', () => {
  it('reads a text without the whatsapp: prefix, keeping every field raw', () => {
    const m = parseTwilioMessage({ ...base, Body: 'Hola', Unknown: 'x' });
    expect(m).toMatchObject({ providerMessageId: 'SM1', from: '+14155550100', waId: '14155550100', profileName: 'Ana', text: 'Hola', media: [], location: null, choice: null, reaction: null });
    expect(m.raw.Unknown).toBe('x');
  });
  it('reads media refs, a location, a button tap and a reply-to', () => {
    const media = parseTwilioMessage({ ...base, NumMedia: '2', MediaUrl0: 'https://api.twilio.com/a', MediaContentType0: 'image/jpeg', MediaUrl1: 'https://api.twilio.com/b', MediaContentType1: 'text/vcard' });
    expect(media.media).toEqual([{ ref: 'https://api.twilio.com/a', contentType: 'image/jpeg' }, { ref: 'https://api.twilio.com/b', contentType: 'text/vcard' }]);
    expect(parseTwilioMessage({ ...base, Latitude: '40.4', Longitude: '-3.7', Label: 'Sol' }).location).toEqual({ latitude: 40.4, longitude: -3.7, label: 'Sol' });
    expect(parseTwilioMessage({ ...base, ButtonText: 'Yes', ButtonPayload: 'YES' })).toMatchObject({ text: 'Yes', choice: { type: 'button', payload: 'YES', text: 'Yes' } });
    expect(parseTwilioMessage({ ...base, OriginalRepliedMessageSid: 'SM0' }).replyToProviderMessageId).toBe('SM0');
  });
  it('refuses a message without MessageSid or From (400)', () => {
    expect(() => parseTwilioMessage({ From: base.From })).toThrow(/MessageSid and From/);
  });
  it('reads a status callback with its message and attempt from the callback URL', () => {
    const s = parseTwilioStatus({ MessageSid: 'SM2', MessageStatus: 'sending', ErrorCode: '63016' }, new URLSearchParams('messageId=m1&attempt=2'));
    expect(s).toMatchObject({ providerMessageId: 'SM2', status: 'queued', providerStatus: 'sending', errorCode: '63016', sentAs: { messageId: 'm1', attempt: 2 } });
    expect(s.errorReason).toMatch(/24-hour window/);
  });
});

describe('the provider registry', () => {
  it('finds Twilio and the simulator, which share the twilio webhook URL', () => {
    expect(adapterFor('twilio').provider).toBe('twilio');
    expect(adapterFor('simulator').webhook).toBe(webhookAdapterFor('twilio'));
  });
  it('answers a clear error for a provider without an adapter', () => {
    expect(() => adapterFor('meta')).toThrow(/no adapter for "meta" channels/);
    expect(webhookAdapterFor('nope')).toBeUndefined();
  });
});
