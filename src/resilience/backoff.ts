// Type imports only: shared by the server policies and the browser SDK.
import type { RetrySettings } from "./settings.js";

/**
 * Delay before retry number `attempt` (1-based): `base · 2^(attempt−1)` capped at `maxDelayMs`,
 * with "equal jitter" (a random point in the upper half) so synchronised clients spread out
 * while the delay never collapses to zero.
 */
export function retryDelayMs(
  attempt: number,
  retry: RetrySettings,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  if (!retry.jitter) return exponential;
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
