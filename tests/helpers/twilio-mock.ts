import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './free-port';

const SPEC = process.env.TWILIO_OAI_SPEC ?? path.resolve(process.cwd(), '../shared/twilio-oai/twilio_api_v2010.json');
const FALLBACK_SPEC = '/work/shared/twilio-oai/twilio_api_v2010.json';

export type RecordedRequest = {
  at: number;
  method: string;
  path: string;
  authorization: string | undefined;
  params: URLSearchParams;
  /** The URL's query (List Messages' filters). */
  query: URLSearchParams;
  /** Status of the answer the SDK got (Prism's, or a scripted one). */
  status: number;
  /** Prism's answer when it refused the request (which rule it broke). */
  refusal?: string;
  /** The sid handed back (unique per request; Prism's example sid is always the same). */
  sid?: string;
};

/** What to do with one create-message request instead of (or after) forwarding it to Prism. */
export type Script =
  | { reply: number; body?: unknown }
  | { forward: true; beforeAnswer?: (req: RecordedRequest) => Promise<void> };

/**
 * Twilio's own OpenAPI contract (Prism, with --errors: invalid requests are refused) behind a small
 * recording proxy: tests assert on the real requests the twilio SDK made, and script failures
 * (500s, Twilio error codes) or a status callback that beats the response.
 */
export class TwilioMock {
  readonly requests: RecordedRequest[] = [];
  url = '';
  private prism?: ChildProcess;
  private proxy?: Server;
  private prismUrl = '';
  private specDir?: string;
  /** Scripts by a predicate over the posted params, used in order; unmatched requests go to Prism. */
  private scripts: { match: (p: URLSearchParams) => boolean; steps: Script[] }[] = [];

  async start(): Promise<void> {
    const spec = patchedSpec(fs.existsSync(SPEC) ? SPEC : FALLBACK_SPEC);
    this.specDir = path.dirname(spec);
    // Prism parses a 1.9 MB spec before it listens: slow on a busy machine. A port taken between
    // freePort() and Prism's listen makes it exit: try again on another.
    let lastOutput = '';
    for (let attempt = 1; ; attempt++) {
      const prismPort = await freePort();
      const child = spawn(
        path.resolve(process.cwd(), 'node_modules/.bin/prism'),
        ['mock', '-h', '127.0.0.1', '-p', String(prismPort), '--errors', spec],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      this.prism = child;
      child.stdout!.on('data', (d: Buffer) => (lastOutput = (lastOutput + d.toString()).slice(-2000)));
      child.stderr!.on('data', (d: Buffer) => (lastOutput = (lastOutput + d.toString()).slice(-2000)));
      this.prismUrl = `http://127.0.0.1:${prismPort}`;
      const deadline = Date.now() + 180_000;
      let up = false;
      while (!up && Date.now() < deadline && child.exitCode === null) {
        up = await fetch(this.prismUrl).then(
          () => true,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 300));
      }
      if (up) break;
      child.kill('SIGKILL');
      if (attempt >= 3) throw new Error(`Prism did not start: ${lastOutput}`);
    }
    this.proxy = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        (err: unknown) => res.writeHead(599).end(String(err)),
      );
    });
    await new Promise<void>((r) => this.proxy!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  /** Answers requests whose params match with these steps, one per request, then forwards as usual. */
  script(match: (p: URLSearchParams) => boolean, ...steps: Script[]): void {
    this.scripts.push({ match, steps });
  }

  /** Create-message requests whose Body / ContentSid / etc. match. */
  messagesWhere(match: (p: URLSearchParams) => boolean): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && match(r.params));
  }

  /** List Messages requests whose query matches. */
  listsWhere(match: (q: URLSearchParams) => boolean): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json') && match(r.query));
  }

  async stop(): Promise<void> {
    this.proxy?.closeAllConnections();
    await new Promise<void>((r) => (this.proxy ? this.proxy.close(() => r()) : r()));
    if (this.prism && this.prism.exitCode === null) {
      const exited = new Promise((r) => this.prism!.once('exit', r));
      this.prism.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (this.prism.exitCode === null) this.prism.kill('SIGKILL');
    }
    if (this.specDir) fs.rmSync(this.specDir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const params = new URLSearchParams(raw);
    const rec: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      authorization: req.headers.authorization,
      params,
      query: new URL(req.url ?? '/', 'http://x').searchParams,
      status: 0,
    };
    this.requests.push(rec);
    const scripted = this.scripts.find((s) => s.steps.length && s.match(params));
    const step = scripted?.steps.shift();
    if (step && 'reply' in step) {
      rec.status = step.reply;
      return { status: step.reply, headers: { 'content-type': 'application/json' }, body: JSON.stringify(step.body ?? {}) };
    }
    const headers: Record<string, string> = { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    if (req.headers.accept) headers.accept = req.headers.accept;
    const answer = await fetch(this.prismUrl + (req.url ?? '/'), {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
    });
    let body = await answer.text();
    rec.status = answer.status;
    if (answer.status >= 400) rec.refusal = body;
    if (answer.status === 201 && rec.path.endsWith('/Messages.json')) {
      // Prism answers its one example: give every message its own sid, as Twilio does.
      const json = JSON.parse(body) as Record<string, unknown>;
      rec.sid = `SM${randomBytes(16).toString('hex')}`;
      json.sid = rec.sid;
      json.status = 'queued';
      body = JSON.stringify(json);
      if (step && 'forward' in step && step.beforeAnswer) await step.beforeAnswer(rec);
    }
    return { status: answer.status, headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' }, body };
  }
}

/**
 * Twilio's spec as is, plus the form `encoding` OpenAPI implies by default (style form, explode:
 * a repeated `MediaUrl=...&MediaUrl=...` is an array). Prism does not apply that default and would
 * refuse every MediaUrl, whatever its value, without this.
 */
function patchedSpec(source: string): string {
  type Content = { schema?: { properties?: Record<string, { type?: string }> }; encoding?: Record<string, unknown> };
  const spec = JSON.parse(fs.readFileSync(source, 'utf8')) as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, Content> } }>> };
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      const form = op?.requestBody?.content?.['application/x-www-form-urlencoded'];
      const props = form?.schema?.properties ?? {};
      for (const [name, prop] of Object.entries(props)) {
        if (prop.type === 'array') form!.encoding = { ...form!.encoding, [name]: { style: 'form', explode: true } };
      }
    }
  }
  // Twilio's list examples give their page links as relative URIs, which its own schema says must be
  // absolute (`format: uri`): with --errors Prism would answer every List with a 500 about its own example.
  type Schema = { title?: string; properties?: Record<string, { format?: string }> };
  type Op = { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
  for (const item of Object.values(spec.paths as unknown as Record<string, Record<string, Op>>)) {
    for (const op of Object.values(item)) {
      const schema = op?.responses?.['200']?.content?.['application/json']?.schema;
      if (!schema?.title?.startsWith('List')) continue;
      for (const [name, prop] of Object.entries(schema.properties ?? {})) if (/(^|_)uri$/.test(name)) delete prop.format;
    }
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twilio-oai-')), 'twilio_api_v2010.json');
  fs.writeFileSync(out, JSON.stringify(spec));
  return out;
}
