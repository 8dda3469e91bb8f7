import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";

/** A timestamp as local date and time, or "–". */
export function formatTime(ts: Timestamp | undefined): string {
  if (!ts) return "–";
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toLocaleString();
}

/** Milliseconds as "3d 4h", "5h 2m", "2m 5s" or "4s". */
export function formatMs(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A protobuf Duration as text. */
export function formatDuration(d: Duration | undefined): string {
  return d ? formatMs(Number(d.seconds) * 1000 + d.nanos / 1e6) : "–";
}
