import { type CalendarClock, systemClock } from "../../domain/investigation/calendar-clock.js";

/**
 * The calendar a Case's suspense fields are counted on. A Case is mapped in many places (get, list, the
 * streams' page encoder, watch events) that are handed rows, not services' dependencies, so the clock is
 * installed once at start-up (registerServices, from config.investigations.clock) instead of threaded to each.
 */
export const suspenseCalendar: { clock: CalendarClock } = { clock: systemClock };

/** Installs the clock suspenses are counted on (config.investigations.clock). */
export function installSuspenseClock(clock: CalendarClock): void {
  suspenseCalendar.clock = clock;
}
