import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SentMessage = { at: number; params: URLSearchParams; sid: string };

/**
 * Just enough of Twilio's REST API for counting sends (Messages.json create): records every
 * request and answers 201 with a fresh sid after `latencyMs` (Twilio takes a few hundred ms). The
 * contract itself is tested against Prism elsewhere.
 */
export async function startFakeTwilioApi({ latencyMs = 0 }: { latencyMs?: number } = {}): Promise<{ url: string; sent: SentMessage[]; close: () => Promise<void> }> {
  const sent: SentMessage[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (req.method !== 'POST' || !req.url?.endsWith('/Messages.json')) return res.writeHead(404).end('{}');
      const sid = 'SM' + randomBytes(16).toString('hex');
      const account = /Accounts\/(AC[0-9a-f]+)\//.exec(req.url)?.[1] ?? '';
      sent.push({ at: Date.now(), params, sid });
      const now = new Date().toUTCString();
      setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          sid,
          account_sid: account,
          status: 'queued',
          body: params.get('Body'),
          from: params.get('From'),
          to: params.get('To'),
          direction: 'outbound-api',
          num_segments: '1',
          num_media: '0',
          date_created: now,
          date_updated: now,
          date_sent: null,
          price: null,
          error_code: null,
          error_message: null,
          api_version: '2010-04-01',
          uri: `/2010-04-01/Accounts/${account}/Messages/${sid}.json`,
          subresource_uris: {},
        }),
      ), latencyMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
