import { sql } from 'drizzle-orm';
import { getDbHandle } from '@/db/client';
import { logger } from './logger';
import { relayHealth } from './realtime/redis-adapter';

/**
 * `ok` follows the database alone: without Redis a process still serves (its realtime relay to the
 * other processes is off, said here as `redis: "down"`), and a load balancer taking every process
 * out when Redis fails would stop the whole contact center.
 */
export async function checkHealth(): Promise<{ ok: boolean; database: 'up' | 'down'; driver?: string; redis?: 'up' | 'down' }> {
  const redis = relayHealth();
  try {
    const handle = getDbHandle();
    await Promise.race([
      handle.db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('database ping timed out')), 3000)),
    ]);
    return { ok: true, database: 'up', driver: handle.kind, ...(redis && { redis }) };
  } catch (err) {
    logger.warn({ err }, 'health check: database down');
    return { ok: false, database: 'down', ...(redis && { redis }) };
  }
}
