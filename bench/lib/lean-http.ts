import net from 'node:net';

/** HTTP/1.1 POST request bytes, rendered once ahead of the measurement. */
export function renderPost(host: string, path: string, headers: Record<string, string>, body: string): Buffer {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\n${lines}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`,
  );
}

/**
 * A lean HTTP/1.1 client for the load generator: keep-alive sockets writing pre-rendered request
 * bytes and reading just the status and the body's length. Node's http client costs several times
 * more CPU per request, and every millisecond the generator burns is taken from the server under
 * test on this 2-core machine. One request per socket at a time (no pipelining), as Twilio sends.
 */
export class LeanAgent {
  private idle: LeanConn[] = [];
  private open = 0;
  private waiting: ((c: LeanConn) => void)[] = [];

  constructor(
    private readonly port: number,
    private readonly maxSockets: number,
  ) {}

  /** Sends pre-rendered request bytes (see renderPost); resolves with the response status. */
  async post(p: { raw: Buffer }): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const conn = await this.acquire();
      try {
        const status = await conn.request(p.raw);
        this.release(conn);
        return status;
      } catch (err) {
        conn.destroy();
        this.open--;
        this.wake();
        // The server may close an idle keep-alive socket just as a request goes out on it: like
        // any HTTP client, send once more on a new connection.
        if (attempt >= 2) throw err;
      }
    }
  }

  private acquire(): Promise<LeanConn> {
    let c: LeanConn | undefined;
    while ((c = this.idle.pop()) && c.dead) this.open--;
    if (c) return Promise.resolve(c);
    if (this.open < this.maxSockets) {
      this.open++;
      return Promise.resolve(new LeanConn(this.port));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A socket slot freed up: a waiting request gets a new connection. */
  private wake(): void {
    const w = this.waiting.shift();
    if (!w) return;
    this.open++;
    w(new LeanConn(this.port));
  }

  private release(c: LeanConn): void {
    const w = this.waiting.shift();
    if (w) w(c);
    else this.idle.push(c);
  }

  destroy(): void {
    for (const c of this.idle) c.destroy();
    this.idle = [];
  }
}

class LeanConn {
  private socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (status: number) => void; reject: (err: Error) => void };
  dead = false;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    const fail = (err: Error) => {
      this.dead = true;
      this.pending?.reject(err);
      this.pending = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  request(raw: Buffer): Promise<number> {
    if (this.dead) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(raw);
    });
  }

  private parse(): void {
    const head = this.buf.indexOf('\r\n\r\n');
    if (head === -1 || !this.pending) return;
    const headers = this.buf.subarray(0, head).toString('latin1');
    const status = Number(headers.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
    let end: number;
    if (length) end = head + 4 + Number(length[1]);
    else if (/\r\ntransfer-encoding:\s*chunked/i.test(headers)) {
      const term = this.buf.indexOf('0\r\n\r\n', head + 4);
      if (term === -1) return;
      end = term + 5;
    } else end = head + 4;
    if (this.buf.length < end) return;
    this.buf = this.buf.subarray(end);
    const p = this.pending;
    this.pending = undefined;
    p.resolve(status);
  }

  destroy(): void {
    this.dead = true;
    this.socket.destroy();
  }
}

