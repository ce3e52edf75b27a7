import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import path from 'node:path';
import { freePort } from '../helpers/free-port';

const SPECS = process.env.TWILIO_OAI_DIR ?? path.resolve(process.cwd(), '../shared/twilio-oai');

/**
 * "Twilio" for a browser test: Prism serving Twilio's REST API 2010 and Content v1 contracts behind
 * one port. Content lists answer their example with results (Prism's first example is empty).
 */
export async function startTwilioContractMock(port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const procs: ChildProcess[] = [];
  const prism = async (spec: string) => {
    const p = await freePort();
    procs.push(spawn(path.resolve('node_modules/.bin/prism'), ['mock', '-h', '127.0.0.1', '-p', String(p), '--errors', path.join(SPECS, spec)], { stdio: 'ignore' }));
    const url = `http://127.0.0.1:${p}`;
    // Prism parses the 2010 API spec (large) for a while, longer on a busy machine.
    for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
      if (await fetch(url).then(() => true, () => false)) return url;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`prism did not start for ${spec}`);
  };
  const [api, content] = await Promise.all([prism('twilio_api_v2010.json'), prism('twilio_content_v1.json')]);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const target = new URL(url, url.startsWith('/v1/') ? content : api);
    const headers = { ...req.headers, host: target.host, ...(url.startsWith('/v1/ContentAndApprovals') ? { prefer: 'example=readResults' } : {}) };
    const up = request(target, { method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise((r) => server.close(r));
      for (const p of procs) p.kill();
    },
  };
}
