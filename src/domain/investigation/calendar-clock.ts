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

/** One calendar day, in milliseconds (UTC days have no leap seconds in JavaScript time). */
export const DAY_MS = 86_400_000;

/** The UTC midnight that starts the day of `ms` (milliseconds since the epoch). */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The wall clock. Today's date is formatted once a day, not on every call: every case of a streamed page
 * asks for it (2 % of a StreamCases server's CPU when formatted each time, profiled).
 */
export const systemClock: CalendarClock = Object.freeze({
  today: (() => {
    let today = "";
    let todayMs = Number.NaN;
    return () => {
      const now = Date.now();
      // Also when the system clock is set back.
      if (!(now >= todayMs && now < todayMs + DAY_MS)) {
        today = new Date(now).toISOString().slice(0, 10);
        todayMs = utcDayStart(now);
      }
      return today;
    };
  })(),
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
