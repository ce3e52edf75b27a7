'use client';

import { signIn } from 'next-auth/react';
import { useEffect, useState } from 'react';
import { api, type ApiError } from '@/components/api/client';

const RATE_LIMITED = 'rate_limited:';

function safeNext(next: string | null): string | null {
  // Only same-site paths: never redirect to another origin after login.
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

export function LoginForm({ next, demo }: { next: string | null; demo: { email: string; password: string; role: string }[] }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await signIn('credentials', { email, password, redirect: false });
      if (!res || res.error) {
        // Throttled sign-in (lib/auth/options.ts): the server's own words, with how long to wait.
        if (res?.error?.startsWith(RATE_LIMITED)) setError(res.error.slice(RATE_LIMITED.length));
        else setError(res?.error === 'CredentialsSignin' ? 'Wrong email or password.' : 'Could not sign in. Try again in a moment.');
        return;
      }
      // Where to go next; an error answer just means the default home, an unreachable server is reported.
      const me = await api<{ home?: string }>('/api/v1/me').catch((err: ApiError) => (err.status ? null : Promise.reject(err)));
      window.location.assign(safeNext(next) ?? me?.home ?? '/');
    } catch {
      setError('Parley is not reachable. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" data-testid="login-form" data-ready={ready} noValidate>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
        />
      </div>
      {error && (
        <p role="alert" data-testid="login-error" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy || !email || !password}
        className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-60"
      >
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {demo.length > 0 && (
        <div className="rounded-md border border-dashed border-slate-300 p-3 text-xs text-slate-600" data-testid="demo-logins">
          <p className="mb-2 font-medium text-slate-700">
            Demo logins <span className="font-normal text-slate-500">(click one to fill it in)</span>
          </p>
          <ul className="space-y-1">
            {demo.map((d) => (
              <li key={d.email}>
                <button
                  type="button"
                  data-testid="demo-login"
                  className="text-left hover:text-brand-700"
                  onClick={() => {
                    setEmail(d.email);
                    setPassword(d.password);
                  }}
                >
                  <span className="inline-block w-20 font-medium capitalize">{d.role}</span> {d.email}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
