/**
 * The calendar the suspense is counted on. A suspense is a date, so the clock answers dates (YYYY-MM-DD, UTC):
 * services take `today()` from the clock they are given (config.investigations.clock), never from `new Date()`.
 */
export interface CalendarClock {
  /** Today as YYYY-MM-DD (UTC). */
  today(): string;
}

/** A clock a test moves by hand (ECT_IO_CLOCK): the day stays until `set` changes it. */
export interface ManualClock extends CalendarClock {
  /** Moves the clock to `date` (YYYY-MM-DD). */
  set(date: string): void;
}

/** The wall clock. */
export const systemClock: CalendarClock = Object.freeze({
  today: () => new Date().toISOString().slice(0, 10),
});

/** A clock standing at `start` until it is set to another day. */
export function manualClock(start: string): ManualClock {
  let current = start;
  return {
    today: () => current,
    set(date: string) {
      current = date;
    },
  };
}
