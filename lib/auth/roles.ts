import type { User } from '@/db/schema';

export type Role = User['role'];
export const roles: readonly Role[] = ['admin', 'supervisor', 'agent'] as const;

export type Actor = {
  id: string;
  email: string;
  name: string;
  role: Role;
  via: 'session' | 'token';
  /** The session id (via 'session') or API token id (via 'token'): realtime re-checks a socket's credential by it. */
  credentialId: string;
};

/** Which roles may use each area of Parley. The one table every guard reads. */
export const access = {
  agentWorkspace: ['agent', 'supervisor', 'admin'],
  conversations: ['agent', 'supervisor', 'admin'],
  supervise: ['supervisor', 'admin'],
  history: ['supervisor', 'admin'],
  simulator: ['supervisor', 'admin'],
  settings: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Area = keyof typeof access;

export function canAccess(role: Role, area: Area): boolean {
  return (access[area] as readonly Role[]).includes(role);
}

/** Where each role lands after login. */
export function homeFor(role: Role): string {
  switch (role) {
    case 'agent':
      return '/inbox';
    case 'supervisor':
      return '/live';
    case 'admin':
      return '/settings';
  }
}
