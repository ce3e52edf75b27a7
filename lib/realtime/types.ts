import type { Socket } from 'socket.io';
import type { Actor } from '@/lib/auth/roles';
import type { PublishedEvent } from '@/lib/events/types';

/** What the handshake authenticated with: re-checked when access changes and periodically. */
export type SocketCredentials = { cookie?: string; authorization?: string; token?: string };

/** Per-socket delivery state: while catching up, live events wait in `buffer`; `floor` dedupes. */
export type SocketData = {
  actor: Actor;
  credentials: SocketCredentials;
  /** Every event with eventId <= floor was already replayed to this socket (or is not its to see). */
  floor: number;
  /** The `since` this socket caught up from: it replayed the events above it, up to `floor`. */
  caughtUpFrom?: number;
  catchingUp: boolean;
  buffer: PublishedEvent[];
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ParleySocket = Socket<any, any, any, SocketData>;
