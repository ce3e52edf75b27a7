import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One create-message call as the fake Twilio saw it. */
export type LedgerCall = {
  at: number;
  params: URLSearchParams;
  /** Set once Twilio "took" the message: it exists, List Messages shows it, it will be delivered. */
  sid?: string;
  acceptedAt?: number;
  /** The caller went away before the message was taken (it was never created). */
  dropped?: boolean;
};

/**
 * How the fake Twilio handles one create call: `holdMs` before it answers; `accept: 'on-receipt'`
 * creates the message as soon as the request is in (a crash during the hold loses only the answer),
 * `'on-answer'` creates it when it answers, if the caller is still there.
 */
export type LedgerPlan = { holdMs: number; accept: 'on-receipt' | 'on-answer' };

/**
 * A fake Twilio Messages API that keeps a ledger: every create call, which ones it accepted, and
 * List Messages answered from what it accepted (newest first, like Twilio). For crash tests, where
 * Prism (stateless) cannot say what was sent before. The shapes follow Twilio's contract; the
 * requests Parley makes are checked against that contract with Prism in outbound-reconcile.test.ts.
 */
export class TwilioLedger {
  readonly calls: LedgerCall[] = [];
  readonly lists: { at: number; query: URLSearchParams }[] = [];
  url = '';
  plan: (call: LedgerCall, index: number) => LedgerPlan = () => ({ holdMs: 0, accept: 'on-receipt' });
  private server?: Server;
  private accountSid = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Accepted messages whose Body is `body`: more than one is a double send. */
  accepted(match: (p: URLSearchParams) => boolean = () => true): LedgerCall[] {
    return this.calls.filter((c) => c.sid && match(c.params));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(url.pathname);
    if (!m) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"message":"Not found","status":404}');
    this.accountSid = m[1]!;
    if (req.method === 'GET') {
      this.lists.push({ at: Date.now(), query: url.searchParams });
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const pageSize = Number(url.searchParams.get('PageSize') ?? 50);
      const found = this.calls
        .filter((c) => c.sid && (!to || c.params.get('To') === to) && (!from || c.params.get('From') === from))
        .sort((a, b) => b.acceptedAt! - a.acceptedAt!)
        .slice(0, pageSize);
      const uri = `${url.pathname}?${url.searchParams.toString()}`;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          messages: found.map((c) => this.json(c)),
          end: Math.max(0, found.length - 1),
          first_page_uri: uri,
          next_page_uri: null,
          page: 0,
          page_size: pageSize,
          previous_page_uri: null,
          start: 0,
          uri,
        }),
      );
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const call: LedgerCall = { at: Date.now(), params: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
    const index = this.calls.push(call) - 1;
    const plan = this.plan(call, index);
    const accept = () => {
      call.sid = `SM${randomBytes(16).toString('hex')}`;
      call.acceptedAt = Date.now();
    };
    if (plan.accept === 'on-receipt') accept();
    if (plan.holdMs) await new Promise((r) => setTimeout(r, plan.holdMs));
    if (!call.sid) {
      if (req.socket.destroyed) return void (call.dropped = true);
      accept();
    }
    if (!res.destroyed) res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(this.json(call)));
  }

  /** Twilio's Message resource (api.v2010.account.message), as List and Create answer it. */
  private json(c: LedgerCall) {
    const date = new Date(c.acceptedAt!).toUTCString().replace('GMT', '+0000');
    return {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      body: c.params.get('Body') ?? '',
      date_created: date,
      date_sent: null,
      date_updated: date,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: c.params.get('From'),
      messaging_service_sid: null,
      num_media: String(c.params.getAll('MediaUrl').length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: c.sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${c.sid}/Media.json` },
      to: c.params.get('To'),
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${c.sid}.json`,
    };
  }
}
