import { logger } from '@/lib/logger';

type Slot = { running: boolean; pending: (() => void)[] };
const slots = new Map<string, Slot>();

/**
 * Runs `work` for `key`, coalescing callers: while a run is in progress, every new caller waits for
 * ONE more run that starts after it (so each caller's change is seen by a run that started later),
 * however many callers arrive meanwhile. The work must be the same for a key (a recount, a
 * placement pass). Its failure is logged and never rejects the callers: it is follow-up work.
 */
export function coalesce(key: string, work: () => Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    let slot = slots.get(key);
    if (!slot) slots.set(key, (slot = { running: false, pending: [] }));
    slot.pending.push(resolve);
    if (!slot.running) void drain(key, slot, work);
  });
}

async function drain(key: string, slot: Slot, work: () => Promise<unknown>): Promise<void> {
  slot.running = true;
  while (slot.pending.length) {
    const callers = slot.pending.splice(0);
    try {
      await work();
    } catch (err) {
      logger.error({ err, key }, 'routing follow-up failed');
    }
    for (const resolve of callers) resolve();
  }
  slot.running = false;
  slots.delete(key);
}
