/**
 * The most points one operation moves, the most a balance holds, and the highest level threshold
 * or product price (points columns are 32-bit integers).
 */
export const MAX_POINTS = 1_000_000_000;
