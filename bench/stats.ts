/** Small statistics over repeated measurements. */

/** The q-quantile (0–1) of values, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The median of values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Relative spread of repeated runs: (max − min) / median. */
export function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const range = Math.max(...values) - Math.min(...values);
  // Repeats that all measured nothing (growth within the sampling floor) agree: no spread, not NaN.
  return range === 0 ? 0 : range / Math.abs(median(values));
}
