import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, apiFetch, ApiError } from '@/components/api/client';

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: typeof body === 'object' ? { 'content-type': 'application/json' } : {},
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('components/api/client', () => {
  it('answers the parsed JSON and sends `json` as a JSON body', async () => {
    const fetch = vi.fn(async () => answer(201, { id: 'm1' }));
    vi.stubGlobal('fetch', fetch);
    await expect(api('/api/v1/x', { method: 'POST', json: { text: 'hi' } })).resolves.toEqual({ id: 'm1' });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"text":"hi"}');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(init.cache).toBe('no-store');
  });

  it('answers undefined for 204 No Content', async () => {
    vi.stubGlobal('fetch', async () => answer(204));
    await expect(api('/api/v1/x', { method: 'POST' })).resolves.toBeUndefined();
  });

  it("turns the API's error shape into an ApiError with the server's code, message and fields", async () => {
    vi.stubGlobal('fetch', async () =>
      answer(422, {
        error: {
          code: 'validation',
          message: 'Check the highlighted fields.',
          details: { fields: [{ path: 'email', message: 'Not an email.' }, { path: 'languages.0', message: 'Unknown language.' }, { path: 'email', message: 'second' }] },
        },
      }),
    );
    const err = (await api('/api/v1/users', { method: 'POST', json: {} }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'validation', message: 'Check the highlighted fields.' });
    expect(err.fields).toEqual({ email: 'Not an email.', languages: 'Unknown language.' });
  });

  it('names the status when an error answer is not the API shape', async () => {
    vi.stubGlobal('fetch', async () => answer(502, '<html>Bad gateway</html>'));
    await expect(apiFetch('/api/v1/x')).rejects.toMatchObject({ status: 502, code: 'error', message: 'Request failed (502).' });
  });

  it('reports an unreachable server as status 0, code network', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api('/api/v1/x')).rejects.toMatchObject({ status: 0, code: 'network', message: expect.stringContaining('not reachable') });
  });
});
