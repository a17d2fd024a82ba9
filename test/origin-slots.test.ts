import { describe, expect, it } from 'vitest';
import { originSlots } from '../src/core/outbound/origin-slots.js';

// The per-receiver limit of deliveries in flight: a caller beyond it waits for a slot, or gives up.
describe('originSlots', () => {
  it('hands a freed slot to the longest waiter, keeps origins apart, and lets a waiter give up', async () => {
    const slots = originSlots(2);
    expect(await slots.take('https://a.test', 0)).toBe(true);
    expect(await slots.take('https://a.test', 0)).toBe(true);
    // another receiver is not held up by a's
    expect(await slots.take('https://b.test', 0)).toBe(true);

    const first = slots.take('https://a.test', 60_000);
    const second = slots.take('https://a.test', 60_000);
    slots.release('https://a.test');
    expect(await first).toBe(true);
    slots.release('https://a.test');
    expect(await second).toBe(true);

    // both of a's slots are held again (first and second): a third caller waits in vain
    expect(await slots.take('https://a.test', 5)).toBe(false);
    // a slot released after that caller gave up goes back to the count, and the next caller takes it
    slots.release('https://a.test');
    expect(await slots.take('https://a.test', 0)).toBe(true);
  });
});
