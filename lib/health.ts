import { sql } from 'drizzle-orm';
import { getDbHandle } from '@/db/client';
import { logger } from './logger';

export async function checkHealth(): Promise<{ ok: boolean; database: 'up' | 'down'; driver?: string }> {
  try {
    const handle = getDbHandle();
    await Promise.race([
      handle.db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('database ping timed out')), 3000)),
    ]);
    return { ok: true, database: 'up', driver: handle.kind };
  } catch (err) {
    logger.warn({ err }, 'health check: database down');
    return { ok: false, database: 'down' };
  }
}
