'use client';

import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';

export type RealtimeStatus = 'connecting' | 'live' | 'offline';
type Handler = (payload: Record<string, unknown> & { eventId?: number }) => void;

/**
 * Socket.IO with catch-up: reconnects pass the last eventId seen (`auth.since`), so a dropped
 * connection or a server restart loses nothing; events seen twice are ignored.
 * `onReady` runs after every (re)connection once the server has replayed what was missed.
 * `since`: the eventId a REST snapshot reflects; the first connection then replays everything after
 * it, so nothing between the snapshot and the socket is lost. Without it the page must reload its
 * data on the first `onReady`. `enabled: false` waits (e.g. for that snapshot) before connecting.
 */
export function useRealtime(
  handlers: Record<string, Handler>,
  opts: { onReady?: (first: boolean) => void; onResync?: () => void; since?: number; enabled?: boolean } = {},
): RealtimeStatus {
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const handlersRef = useRef(handlers);
  const optsRef = useRef(opts);
  useEffect(() => {
    handlersRef.current = handlers;
    optsRef.current = opts;
  });

  const enabled = opts.enabled ?? true;

  useEffect(() => {
    if (!enabled) return;
    let last: number | undefined = optsRef.current.since;
    let first = true;
    const seen = new Set<number>();
    const socket: Socket = io({
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      auth: (cb) => cb(last !== undefined ? { since: last } : {}),
    });
    socket.on('connect', () => setStatus('connecting'));
    socket.on('disconnect', () => setStatus('offline'));
    socket.on('connect_error', () => setStatus('offline'));
    socket.on('ready', (p: { lastEventId?: number }) => {
      if (last === undefined && typeof p?.lastEventId === 'number') last = p.lastEventId;
      setStatus('live');
      optsRef.current.onReady?.(first);
      first = false;
    });
    socket.on('resync', (p: { lastEventId?: number }) => {
      if (typeof p?.lastEventId === 'number') last = p.lastEventId;
      optsRef.current.onResync?.();
    });
    // The server ended this session (signed out elsewhere, password changed, deactivated, token
    // revoked): sign in again, and come back here afterwards.
    socket.on('session.ended', () => {
      socket.disconnect();
      // A full page load, not a client navigation: nothing of the ended session's state is kept.
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(new URL(`/login?next=${next}`, window.location.origin).href);
    });
    socket.onAny((event: string, payload: Record<string, unknown> & { eventId?: number }) => {
      if (event === 'ready' || event === 'resync' || event === 'session.ended') return;
      const id = payload?.eventId;
      if (typeof id === 'number') {
        if (seen.has(id)) return;
        seen.add(id);
        if (seen.size > 5000) seen.delete(seen.values().next().value as number);
        last = Math.max(last ?? 0, id);
      }
      handlersRef.current[event]?.(payload);
    });
    return () => {
      socket.disconnect();
    };
  }, [enabled]);

  return status;
}
