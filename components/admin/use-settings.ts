'use client';

import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError } from '@/components/api/client';

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
