import { describe, expect, it } from 'vitest';
import { coalesce } from '@/lib/routing/coalesce';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('coalesce (per-queue follow-up work under a burst)', () => {
  it('runs a burst of 50 callers as the running pass plus ONE more, and every caller waits for a pass that started after it', async () => {
    const starts: number[] = [];
    let clock = 0;
    const work = async () => {
      starts.push(++clock);
      await tick();
    };
    const first = coalesce('q1', work); // starts at once
    const calledAt = clock;
    const burst = Array.from({ length: 49 }, () => coalesce('q1', work).then(() => starts.at(-1)!));
    await first;
    const seenBy = await Promise.all(burst);
    expect(starts).toEqual([1, 2]);
    for (const s of seenBy) expect(s).toBeGreaterThan(calledAt);
  });

  it('keeps keys apart and still resolves callers when the work fails', async () => {
    let a = 0;
    let b = 0;
    await Promise.all([
      coalesce('qa', async () => void a++),
      coalesce('qb', async () => {
        b++;
        throw new Error('database down');
      }),
    ]);
    expect([a, b]).toEqual([1, 1]);
    // A later caller after the slot drained runs again.
    await coalesce('qa', async () => void a++);
    expect(a).toBe(2);
  });
});
