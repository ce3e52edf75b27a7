import type { APIRequestContext } from '@playwright/test';

type SimChannel = { id: string; name: string; language: string; phoneNumber: string };

/** The simulated customer's phone, driven through the simulator's HTTP API (signed webhooks behind it). */
export class SimulatorApi {
  constructor(private readonly request: APIRequestContext) {}

  async channels(): Promise<SimChannel[]> {
    const res = await this.request.get('/api/simulator/channels');
    if (!res.ok()) throw new Error(`simulator channels: ${res.status()} ${await res.text()}`);
    return ((await res.json()) as { items: SimChannel[] }).items;
  }

  async channel(language: 'en' | 'es'): Promise<SimChannel> {
    const c = (await this.channels()).find((x) => x.language === language);
    if (!c) throw new Error(`no ${language} simulator channel`);
    return c;
  }

  async send(channelId: string, msg: { from: string; profileName?: string; text?: string }) {
    const res = await this.request.post(`/api/simulator/channels/${channelId}/messages`, { data: msg });
    if (!res.ok()) throw new Error(`customer message: ${res.status()} ${await res.text()}`);
    return res.json() as Promise<{ sid?: string }>;
  }

  async sendFile(channelId: string, msg: { from: string; profileName?: string; text?: string; file: { name: string; mimeType: string; buffer: Buffer } }) {
    const res = await this.request.post(`/api/simulator/channels/${channelId}/messages`, {
      multipart: { from: msg.from, profileName: msg.profileName ?? '', text: msg.text ?? '', file: msg.file },
    });
    if (!res.ok()) throw new Error(`customer file: ${res.status()} ${await res.text()}`);
  }

  /** What the customer's phone received from the business. */
  async inbox(channelId: string, customer: string) {
    const res = await this.request.get(`/api/simulator/channels/${channelId}/messages?customers=${encodeURIComponent(customer)}`);
    const body = (await res.json()) as { items: { sid: string; direction: string; body: string | null; status: string; errorCode: string | null }[] };
    return body.items;
  }

  async read(channelId: string, sids: string[]) {
    for (const status of ['delivered', 'read'] as const) {
      const res = await this.request.post(`/api/simulator/channels/${channelId}/receipts`, { data: { sids, status } });
      if (!res.ok()) throw new Error(`receipts: ${res.status()} ${await res.text()}`);
    }
  }

  async failNext(channelId: string, errorCode: string | null) {
    const res = await this.request.put(`/api/simulator/channels/${channelId}/failure`, { data: { errorCode } });
    if (!res.ok()) throw new Error(`failure switch: ${res.status()} ${await res.text()}`);
  }
}

export function randomCustomer(prefix = '+1555') {
  return `${prefix}${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;
}
