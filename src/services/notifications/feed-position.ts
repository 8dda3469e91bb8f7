/**
 * How far back a watch looks for rows that committed after rows with higher ids: a transaction takes its id
 * at INSERT and may commit later than one that inserted after it. Case moves run under the statement timeout,
 * so a transaction open longer than this is not a move's.
 */
export const COMMIT_LAG_MS = 60_000;

/**
 * Where a notification watch has read up to, tolerant of ids that commit out of order: it reads from the
 * newest id it had seen COMMIT_LAG_MS ago (`low`), skipping the ids it already sent above that.
 */
export class FeedPosition {
  private readonly marks: { at: number; id: number }[];
  private readonly sent = new Set<number>();

  /** Starts after `startId` (the newest id when the watch opened), at time `now` (ms). */
  constructor(startId: number, now: number) {
    this.marks = [{ at: now, id: startId }];
  }

  /** The id to read after, and the ids above it already sent; call with the time of the read. */
  window(now: number): { after: number; skip: number[] } {
    // Keep the newest mark at least COMMIT_LAG_MS old, and every younger one.
    while (this.marks.length > 1 && this.marks[1].at <= now - COMMIT_LAG_MS) this.marks.shift();
    const after = this.marks[0].id;
    for (const id of this.sent) if (id <= after) this.sent.delete(id);
    return { after, skip: [...this.sent] };
  }

  /** Records the ids a read sent, at time `now`. */
  advance(ids: readonly number[], now: number): void {
    let newest = this.marks[this.marks.length - 1].id;
    for (const id of ids) {
      this.sent.add(id);
      if (id > newest) newest = id;
    }
    this.marks.push({ at: now, id: newest });
  }
}
