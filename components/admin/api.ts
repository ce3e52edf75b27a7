'use client';

import { useCallback, useEffect, useState } from 'react';

/** An API error as the settings forms show it: a message and, per field, what is wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: init.json !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', 'Parley is not reachable. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as
    | (T & { error?: undefined })
    | { error: { code: string; message: string; details?: { fields?: { path: string; message: string }[] } } }
    | null;
  if (!res.ok || !body || (body as { error?: unknown }).error) {
    const err = (body as { error?: { code: string; message: string; details?: { fields?: { path: string; message: string }[] } } } | null)?.error;
    const fields: Record<string, string> = {};
    for (const f of err?.details?.fields ?? []) {
      const key = f.path.split('.')[0] || '_';
      fields[key] ??= f.message;
    }
    throw new ApiError(res.status, err?.code ?? 'error', err?.message ?? `Request failed (${res.status}).`, fields);
  }
  return body as T;
}

/** A list endpoint (`{items}`), loaded on mount; `reload` after a change; optional polling. */
export function useList<T>(path: string, { pollMs }: { pollMs?: number } = {}) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const data = await api<{ items: T[] }>(path);
      setItems(data.items);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [path]);
  useEffect(() => {
     
    void reload();
    if (!pollMs) return;
    const t = setInterval(() => void reload(), pollMs);
    return () => clearInterval(t);
  }, [reload, pollMs]);
  return { items, error, reload };
}

/**
 * The submit state of a settings form: `run(fn, action)` marks it busy with `action` ('save' unless
 * said: a button shows "Deleting…" only while it is the one running) and clears the message, then on
 * success clears the field errors and calls `onDone`; on an ApiError it shows the message and the
 * per-field errors. `setError` is for actions outside `run` that only report a message.
 */
export function useSubmit(onDone?: () => void) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  async function run(fn: () => Promise<unknown>, action = 'save') {
    setRunning(action);
    setError(null);
    try {
      await fn();
      setErrors({});
      onDone?.();
    } catch (err) {
      setErrors((err as ApiError).fields ?? {});
      setError((err as ApiError).message);
    } finally {
      setRunning(null);
    }
  }
  return { busy: running !== null, running, error, errors, run, setError };
}

export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  pt: 'Portuguese',
  'pt-BR': 'Portuguese (Brazil)',
  fr: 'French',
  de: 'German',
  it: 'Italian',
};

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ? `${LANGUAGE_NAMES[code]} (${code})` : code;
}
