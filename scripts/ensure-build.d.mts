/** Why a production build is needed ('missing' | 'stale'), or null when .next is current. */
export function buildNeeded(root?: string): 'missing' | 'stale' | null;
/** Runs `next build` when one is needed; exits the process when it fails. */
export function ensureBuild(env?: NodeJS.ProcessEnv): void;
