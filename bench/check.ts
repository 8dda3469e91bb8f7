import type { Figure } from "./ratios.js";

/** One ratio compared with the baseline. */
export interface Comparison {
  name: string;
  baseline: number;
  current: number;
  /** The lowest median that still passes. */
  limit: number;
  ok: boolean;
}

/** Allowed loss before the spread is added. */
export const TOLERANCE = 0.1;

/** The most a checked ratio may lose and still pass, whatever its spread: a check must be able to fail. */
export const MAX_SLACK = 0.6;

/**
 * Compares each checked ratio with the baseline. A ratio fails when its median falls more than 10 %
 * below the baseline median plus half the larger relative spread ((max − min) / median) of the two sets
 * of repeats: the noise the repeats themselves showed does not count as a regression. The loss allowed is
 * capped at 60 %, so no checked ratio has a bound it cannot fall below.
 */
export function compare(current: readonly Figure[], baseline: readonly Figure[]): Comparison[] {
  const out: Comparison[] = [];
  for (const figure of current) {
    if (!figure.check) continue;
    const base = baseline.find((b) => b.name === figure.name);
    if (!base) continue;
    const slack = Math.min(MAX_SLACK, TOLERANCE + Math.max(base.spread, figure.spread) / 2);
    const limit = base.median * (1 - slack);
    out.push({
      name: figure.name,
      baseline: base.median,
      current: figure.median,
      limit,
      ok: figure.median >= limit,
    });
  }
  return out;
}
