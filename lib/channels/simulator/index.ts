import { getConfig } from '@/lib/config';
import { createTwilioAdapter } from '../twilio';
import type { TwilioBases } from '../twilio/client';

/**
 * Simulator channels: the Twilio adapter talking to Parley's own fake Twilio (lib/simulator), so a
 * simulator channel goes through the same SDK, webhook and signature code as a real one.
 */
export function simulatorBaseUrl(): string {
  return `${getConfig().publicUrl}/api/simulator/twilio`;
}

export const simulatorBases = (): TwilioBases => ({ api: simulatorBaseUrl(), content: simulatorBaseUrl() });

export const simulatorAdapter = createTwilioAdapter({
  provider: 'simulator',
  bases: simulatorBases,
  // The simulated customer's files are served by Parley itself, behind the same Basic auth.
  mediaHosts: () => {
    const config = getConfig();
    return [...config.twilioMediaHosts, new URL(config.publicUrl).host.toLowerCase()];
  },
});
