import type { Channel, SimulatorMessage } from '@/db/schema';
import { readableReason } from '@/lib/channels/twilio/errors';

export type SimulatorChannelDto = {
  id: string;
  name: string;
  phoneNumber: string;
  language: string;
  defaultCountry: string;
  failNextErrorCode: string | null;
};

export type SimulatorMessageDto = {
  sid: string;
  direction: 'to_customer' | 'from_customer';
  customerPhone: string;
  profileName: string | null;
  body: string | null;
  template: { contentSid: string; variables: Record<string, string> | null; actions: { title: string; id: string }[] } | null;
  media: { sid: string; contentType: string; filename: string | null; size: number | null; url: string | null }[];
  location: SimulatorMessage['location'];
  button: SimulatorMessage['button'];
  replyToSid: string | null;
  status: string;
  errorCode: string | null;
  errorReason: string | null;
  webhookStatus: number | null;
  createdAt: string;
  updatedAt: string;
};

export function toSimulatorChannelDto(c: Channel & { failNextErrorCode?: string | null }): SimulatorChannelDto {
  return {
    id: c.id,
    name: c.name,
    phoneNumber: c.phoneNumber,
    language: c.language,
    defaultCountry: c.defaultCountry,
    failNextErrorCode: c.failNextErrorCode ?? null,
  };
}

export function toSimulatorMessageDto(m: SimulatorMessage): SimulatorMessageDto {
  return {
    sid: m.sid,
    direction: m.direction,
    customerPhone: m.customerPhone,
    profileName: m.profileName,
    body: m.body,
    template: m.contentSid ? { contentSid: m.contentSid, variables: m.contentVariables ?? null, actions: m.templateActions ?? [] } : null,
    media: m.media.map((x) => ({
      sid: x.sid,
      contentType: x.contentType,
      filename: x.filename ?? null,
      size: x.size ?? null,
      // The phone view reads files through the simulator, never with the channel's credentials.
      url: x.storageKey ? `/api/simulator/channels/${m.channelId}/messages/${m.sid}/media/${x.sid}` : null,
    })),
    location: m.location,
    button: m.button,
    replyToSid: m.replyToSid,
    status: m.status,
    errorCode: m.errorCode,
    errorReason: m.errorCode && m.status === 'failed' ? readableReason(m.errorCode) : null,
    webhookStatus: m.webhookStatus,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
