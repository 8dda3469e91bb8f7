const counts = new WeakMap<object, number>();

/**
 * Marks a streamed message as carrying `count` items (a batch response, a page of gRPC frames) and
 * returns it. The stream limits pace by items and the metrics count items, so a message that stands
 * for a page must say how many items it holds; the count travels with the message itself, never
 * through a per-call store.
 */
export function withItemCount<T extends object>(message: T, count: number): T {
  counts.set(message, count);
  return message;
}

/** How many items a streamed message carries: what its stream marked (withItemCount), else one. */
export function itemCount(message: unknown): number {
  if (typeof message !== "object" || message === null) return 1;
  return counts.get(message) ?? 1;
}
