/** Whether a database error is a unique violation (postgres.js and PGlite both carry SQLSTATE 23505). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e = err as { code?: string; constraint_name?: string; constraint?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') {
      if (!constraint) return true;
      return e.constraint_name === constraint || e.constraint === constraint || !!e.message?.includes(constraint);
    }
  }
  return false;
}
