import type { UserDto } from '@/lib/users/dto';
import type { InboxConversation } from '@/lib/conversations/workspace';

export type { InboxConversation };

export type WorkspaceQueue = {
  id: string;
  name: string;
  routingRule: 'offer_all' | 'least_busy';
  /** least_busy: an offer not accepted within this many seconds goes to the next agent (null: never). */
  acceptTimeoutSeconds: number | null;
  waiting: number;
  active: number;
  oldestWaitingAt: string | null;
};

export type WorkspaceChannel = { id: string; name: string; provider: string; environment: string; language: string; phoneNumber: string };

export type WorkspaceData = {
  /** The newest event the snapshot reflects: the socket catches up from there. */
  lastEventId: number;
  me: UserDto;
  queues: WorkspaceQueue[];
  allQueues: { id: string; name: string }[];
  channels: WorkspaceChannel[];
  conversations: InboxConversation[];
};

/** JSON fetch that turns the API's error shape into an Error with the readable message. */
export async function api<T>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers, body });
  } catch {
    throw new ApiError('network', 'Parley is not reachable. Check your connection.', 0);
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(data?.error?.code ?? 'error', data?.error?.message ?? `Request failed (${res.status}).`, res.status);
  return data as T;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return `${h}h ${m % 60}m`;
}
