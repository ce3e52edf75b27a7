/**
 * The browser's one way to call Parley's own HTTP API. Every error the API answers
 * (`{"error": {"code", "message", "details"}}`) and every network failure becomes an `ApiError`
 * carrying the server's readable message, so a component can show the server's reason as it is.
 */

export const NETWORK_ERROR_MESSAGE = 'Parley is not reachable. Check your connection and try again.';

type ErrorBody = { error?: { code?: string; message?: string; details?: { fields?: { path: string; message: string }[] } } };

export class ApiError extends Error {
  constructor(
    /** The HTTP status; 0 when the request never got an answer (offline, server down). */
    readonly status: number,
    /** The API's error code (`window_closed`, `conflict`, ...); `network` when unanswered. */
    readonly code: string,
    message: string,
    /** Per request field (its first path segment), what is wrong with it. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ApiInit = RequestInit & { json?: unknown };

/** The ApiError an error response stands for: the server's code and message, else its status. */
export async function readApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as ErrorBody | null;
  const err = body?.error;
  const fields: Record<string, string> = {};
  for (const f of err?.details?.fields ?? []) {
    const key = f.path.split('.')[0] || '_';
    fields[key] ??= f.message;
  }
  return new ApiError(res.status, err?.code ?? 'error', err?.message ?? `Request failed (${res.status}).`, fields);
}

/**
 * fetch for the API, answering the Response itself (for a download read as a stream): `json` is
 * sent as a JSON body; never served from the browser's cache; throws an ApiError unless 2xx.
 */
export async function apiFetch(path: string, init: ApiInit = {}): Promise<Response> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  let body = rest.body;
  if (json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(json);
  }
  let res: Response;
  try {
    res = await fetch(path, { cache: 'no-store', ...rest, headers, body });
  } catch {
    throw new ApiError(0, 'network', NETWORK_ERROR_MESSAGE);
  }
  if (!res.ok) throw await readApiError(res);
  return res;
}

/** A JSON call to the API: its parsed answer (undefined for 204, null for an empty body), or an ApiError. */
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const res = await apiFetch(path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json().catch(() => null)) as T;
}
