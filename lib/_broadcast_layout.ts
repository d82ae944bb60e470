/**
 * The broadcast buffer's capacity rules as TypeScript checks them before calling libzigbolt
 * (docs/broadcast.md; native/src/broadcast/layout.zig has the whole layout). TypeScript does
 * not touch the segment itself: transmit and receive go through libzigbolt.
 * @module
 */

export const capacityMin = 1024;
export const capacityMax = 1 << 30;
export const capacityDefault = 1 << 20;

export function capacityValid(capacity: number): boolean {
  return Number.isInteger(capacity) && capacity >= capacityMin && capacity <= capacityMax &&
    (capacity & (capacity - 1)) === 0;
}
