import { AppError } from '@/lib/errors';
import { simulatorAdapter } from './simulator';
import { twilioAdapter } from './twilio';
import type { ChannelAdapter, WebhookAdapter } from './types';

/** Every provider Parley speaks to. A new provider is a folder under lib/channels/ and one line here. */
const ADAPTERS: readonly ChannelAdapter[] = [twilioAdapter, simulatorAdapter];

const byProvider = new Map(ADAPTERS.map((a) => [a.provider as string, a]));

/** The adapter of a channel's provider; a clear error for one Parley has no adapter for. */
export function adapterFor(provider: string): ChannelAdapter {
  const adapter = byProvider.get(provider);
  if (!adapter) throw new AppError(`unprocessable:Parley has no adapter for "${provider}" channels yet: it cannot send or receive through them.`);
  return adapter;
}

/** The webhook adapter that serves /api/webhooks/{segment}/..., or undefined (several providers may share one). */
export function webhookAdapterFor(segment: string): WebhookAdapter | undefined {
  return ADAPTERS.find((a) => a.webhook.segment === segment)?.webhook;
}

export * from './types';
