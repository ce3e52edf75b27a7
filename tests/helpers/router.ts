import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NextRequest } from 'next/server';
import { handleWebhook } from '@/lib/http/webhooks';
import { frontDoor } from '@/lib/security/front-door';

type Route = { pattern: RegExp; keys: { name: string; catchAll: boolean }[]; file: string; score: number };

/**
 * Serves the app's route handlers (every app/.../route.ts) over real HTTP without Next's router, so
 * integration tests exercise the same handlers, auth and database a request to `npm start` does.
 */
export function loadRoutes(appDir = path.join(process.cwd(), 'app')): Route[] {
  const routes: Route[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), [...segments, entry.name]);
      else if (entry.name === 'route.ts') routes.push(compile(segments, path.join(dir, entry.name)));
    }
  };
  walk(appDir, []);
  return routes.sort((a, b) => b.score - a.score);
}

function compile(segments: string[], file: string): Route {
  const keys: Route['keys'] = [];
  let score = 0;
  const parts = segments
    .filter((s) => !(s.startsWith('(') && s.endsWith(')')))
    .map((s) => {
      const catchAll = s.match(/^\[\.\.\.(\w+)\]$/);
      if (catchAll) {
        keys.push({ name: catchAll[1]!, catchAll: true });
        return '/(.+)';
      }
      const param = s.match(/^\[(\w+)\]$/);
      if (param) {
        keys.push({ name: param[1]!, catchAll: false });
        score += 1;
        return '/([^/]+)';
      }
      score += 10;
      return '/' + s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
  return { pattern: new RegExp(`^${parts.join('') || '/'}$`), keys, file, score };
}

export function createRouteHandler(routes: Route[], baseUrl: () => string) {
  // Route modules are loaded once, as Next.js does, not on every request.
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  return async (req: IncomingMessage, res: ServerResponse) => {
    // As server.ts does: the front door first, then the providers' webhooks before the App Router.
    if (frontDoor(req, res)) return;
    if (handleWebhook(req, res)) return;
    const url = new URL(req.url ?? '/', baseUrl());
    const match = routes
      .map((r) => ({ r, m: r.pattern.exec(url.pathname) }))
      .find((x) => x.m);
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found"}}');
      return;
    }
    const params: Record<string, string | string[]> = {};
    match.r.keys.forEach((k, i) => {
      const v = decodeURIComponent(match.m![i + 1]!);
      params[k.name] = k.catchAll ? v.split('/') : v;
    });
    if (!modules.has(match.r.file)) modules.set(match.r.file, import(match.r.file) as Promise<Record<string, unknown>>);
    const mod = await modules.get(match.r.file)!;
    const fn = mod[req.method ?? 'GET'] as ((r: Request, c: unknown) => Promise<Response>) | undefined;
    if (!fn) {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the front door cut an oversized body off and has answered
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
      else if (v !== undefined) headers.set(k, v);
    }
    const body = chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    const request = new NextRequest(url, { method: req.method, headers, body });
    const response = await fn(request, { params: Promise.resolve(params) });
    const outHeaders: Record<string, string | string[]> = {};
    response.headers.forEach((v, k) => {
      if (k === 'set-cookie') return;
      outHeaders[k] = v;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) outHeaders['set-cookie'] = cookies;
    res.writeHead(response.status, outHeaders);
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!res.write(value)) await new Promise((r) => res.once('drain', r));
      }
    }
    res.end();
  };
}
