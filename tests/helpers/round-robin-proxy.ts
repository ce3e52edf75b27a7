import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A load balancer for tests: plain round robin over Parley processes, no sticky sessions, HTTP and
 * WebSocket upgrades (Socket.IO with the websocket transport). Like nginx's passive health checks,
 * a backend that refuses a connection is skipped for a while and the request (nothing of which
 * reached a process) goes to the next one; a backend that dies mid-request answers 502.
 */
export type RoundRobinProxy = {
  url: string;
  setBackends: (urls: string[]) => void;
  /** Open WebSocket tunnels per backend URL. */
  tunnels: () => Record<string, number>;
  stats: { requests: number; retriedElsewhere: number; badGateway: number; upgrades: number };
  close: () => Promise<void>;
};

const SKIP_MS = 3_000;

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let backends: { url: URL; downUntil: number }[] = [];
  let nextHttp = 0;
  let nextWs = 0;
  const open = new Map<Socket, string>();
  const stats = { requests: 0, retriedElsewhere: 0, badGateway: 0, upgrades: 0 };

  const pick = (counter: 'http' | 'ws', tried: Set<string>) => {
    const n = backends.length;
    for (let i = 0; i < n; i++) {
      const idx = (counter === 'http' ? nextHttp++ : nextWs++) % n;
      const b = backends[idx]!;
      if (tried.has(b.url.href) || b.downUntil > Date.now()) continue;
      return b;
    }
    // Everything looks down: try any not yet tried (it may be back).
    return backends.find((b) => !tried.has(b.url.href));
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tried = new Set<string>();
      const attempt = () => {
        const b = pick('http', tried);
        if (!b) {
          stats.badGateway++;
          return res.writeHead(502).end('no backend');
        }
        tried.add(b.url.href);
        const up = request(
          { host: b.url.hostname, port: b.url.port, method: req.method, path: req.url, headers: req.headers },
          (r: IncomingMessage) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
            r.on('error', () => res.destroy());
          },
        );
        up.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'ECONNREFUSED' && !res.headersSent) {
            b.downUntil = Date.now() + SKIP_MS;
            stats.retriedElsewhere++;
            return attempt();
          }
          stats.badGateway++;
          if (!res.headersSent) res.writeHead(502).end('bad gateway');
          else res.destroy();
        });
        up.end(body);
      };
      attempt();
    });
  });

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    stats.upgrades++;
    const tried = new Set<string>();
    client.on('error', () => {});
    const attempt = () => {
      const b = pick('ws', tried);
      if (!b) return client.destroy();
      tried.add(b.url.href);
      const up = connect(Number(b.url.port), b.url.hostname);
      let connected = false;
      up.once('connect', () => {
        connected = true;
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        up.write(lines.join('\r\n') + '\r\n\r\n');
        if (head.length) up.write(head);
        open.set(client, b.url.href);
        client.pipe(up).pipe(client);
      });
      up.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected && err.code === 'ECONNREFUSED') {
          b.downUntil = Date.now() + SKIP_MS;
          return attempt();
        }
        client.destroy();
      });
      up.on('close', () => client.destroy());
      client.on('close', () => {
        open.delete(client);
        up.destroy();
      });
    };
    attempt();
  });

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setBackends: (urls) => {
      backends = urls.map((u) => ({ url: new URL(u), downUntil: 0 }));
    },
    tunnels: () => {
      const out: Record<string, number> = {};
      for (const b of open.values()) out[b] = (out[b] ?? 0) + 1;
      return out;
    },
    stats,
    close: async () => {
      for (const s of open.keys()) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
