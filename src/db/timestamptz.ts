/**
 * A parser for PostgreSQL's text form of `timestamptz` (ISO DateStyle: `2026-11-27 05:09:17.123456+00`).
 * pg's default (the postgres-date package) runs two regular expressions and several parseInt calls per
 * value, 4–5 % of a StreamCases server's CPU with four timestamps a case (profiled, Node 24). This reads
 * the common shape with character arithmetic and hands anything else (BC dates, years before 1000,
 * infinity, offsets with seconds) to the default parser, so every value parses as pg would parse it.
 */
export function timestamptzParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (text) => parseCommon(text) ?? fallback(text);
}

const ZERO = 48;

/** Two ASCII digits at `at`, or NaN. */
function two(text: string, at: number): number {
  const tens = text.charCodeAt(at) - ZERO;
  const ones = text.charCodeAt(at + 1) - ZERO;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : Number.NaN;
}

/** `YYYY-MM-DD HH:MM:SS[.f…]±HH[:MM]` as a Date; undefined for any other shape. */
function parseCommon(text: string): Date | undefined {
  if (text.length < 22 || text[4] !== "-" || text[7] !== "-" || text[10] !== " ") return undefined;
  if (text[13] !== ":" || text[16] !== ":") return undefined;
  const year = two(text, 0) * 100 + two(text, 2);
  if (!(year >= 1000)) return undefined;
  const month = two(text, 5);
  const day = two(text, 8);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  let at = 19;
  let ms = 0;
  if (text[at] === ".") {
    let scale = 100;
    for (at++; at < text.length; at++) {
      const digit = text.charCodeAt(at) - ZERO;
      if (digit < 0 || digit > 9) break;
      ms += digit * scale;
      scale /= 10;
    }
  }
  const sign = text[at] === "+" ? 1 : text[at] === "-" ? -1 : 0;
  if (sign === 0) return undefined;
  const offsetHours = two(text, at + 1);
  let offsetMinutes = 0;
  at += 3;
  if (text[at] === ":") {
    offsetMinutes = two(text, at + 1);
    at += 3;
  }
  if (at !== text.length) return undefined;
  const time =
    Date.UTC(year, month - 1, day, hour, minute, second, Math.trunc(ms)) -
    sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Number.isNaN(time) ? undefined : new Date(time);
}
