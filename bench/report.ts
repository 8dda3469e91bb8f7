import type { MemorySample } from "./memory-sampler.js";
import { absoluteDefs, type Figure } from "./ratios.js";
import { median, spread } from "./stats.js";

/** What one run wrote to bench/results/<date>.json. */
export interface Results {
  date: string;
  profile: string;
  durationS: number;
  machine: Record<string, unknown>;
  data: Record<string, unknown>;
  figures: Figure[];
  values: Record<string, number[]>;
  ttfi: Record<string, number[]>;
  memory: Record<string, MemorySample[]>;
  /** The fairness scenario's per-stream [first item ms, last item ms, items], by connection mode. */
  timelines?: Record<string, [number, number, number][]>;
  concurrency: number[];
  notes: string[];
}

const fmt = (value: number, unit: string) =>
  !Number.isFinite(value)
    ? "—"
    : unit === "×"
      ? `${value.toFixed(2)}×`
      : value >= 1000
        ? `${Math.round(value).toLocaleString("en-US")} ${unit}`
        : `${value.toFixed(value < 10 ? 2 : 1)} ${unit}`;
const pct = (s: number) => `±${Math.round((s * 100) / 2)}%`;

/** The Markdown table of figures and absolute numbers (printed and copied into the README). */
export function markdownTable(results: Results): string {
  const lines = [
    "| Figure | Median | Spread | Target | Met |",
    "|---|---:|---:|---:|:---:|",
    ...results.figures.map((f) => {
      const target = f.target === undefined ? "" : `${f.higher ? "≥" : "≤"} ${fmt(f.target, f.unit)}`;
      const met = f.met === undefined ? "" : f.met ? "yes" : "**no**";
      return `| ${f.label} | ${fmt(f.median, f.unit)} | ${pct(f.spread)} | ${target} | ${met} |`;
    }),
    "",
    "| Absolute (this machine, this run) | Median | Spread |",
    "|---|---:|---:|",
    ...absoluteDefs
      .filter(([name]) => results.values[name])
      .map(([name, label, unit]) => {
        const values = results.values[name];
        return `| ${label.trim()} | ${fmt(median(values), unit)} | ${pct(spread(values))} |`;
      }),
  ];
  return lines.join("\n");
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

interface Line {
  name: string;
  points: [number, number][];
}

/** A line chart as inline SVG; `logX` for concurrency and TTFI. */
function lineChart(title: string, xLabel: string, yLabel: string, lines: Line[], logX = false): string {
  const W = 640;
  const H = 320;
  const L = 70;
  const B = 40;
  const all = lines.flatMap((l) => l.points);
  if (all.length === 0) return "";
  const tx = (x: number) => (logX ? Math.log10(Math.max(x, 1e-3)) : x);
  const xs = all.map(([x]) => tx(x));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const y1 = Math.max(...all.map(([, y]) => y)) * 1.05 || 1;
  const px = (x: number) => L + ((tx(x) - x0) / (x1 - x0)) * (W - L - 20);
  const py = (y: number) => H - B - (y / y1) * (H - B - 30);
  const ticks = Array.from({ length: 5 }, (_, i) => (y1 * i) / 4);
  const xticks = logX
    ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, i) => 10 ** (Math.ceil(x0) + i))
    : Array.from({ length: 5 }, (_, i) => x0 + ((x1 - x0) * i) / 4);
  const label = (v: number) =>
    v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : `${+v.toFixed(2)}`;
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
  <text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>
  ${ticks.map((t) => `<line x1="${L}" x2="${W - 20}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/><text x="${L - 6}" y="${py(t) + 4}" text-anchor="end">${label(t)}</text>`).join("")}
  ${xticks.map((t) => `<text x="${px(t)}" y="${H - B + 16}" text-anchor="middle">${label(t)}</text>`).join("")}
  <line x1="${L}" x2="${L}" y1="30" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - 20}" y1="${H - B}" y2="${H - B}" stroke="#333"/>
  <text x="${W / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>
  <text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${esc(yLabel)}</text>
  ${lines
    .map(
      (l, i) =>
        `<polyline fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2" points="${l.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>` +
        `<text x="${W - 24}" y="${40 + i * 14}" text-anchor="end" fill="${COLOURS[i % COLOURS.length]}">${esc(l.name)}</text>`,
    )
    .join("\n  ")}
</svg></figure>`;
}

/** A horizontal bar chart of single-stream throughput. */
function barChart(title: string, bars: [string, number][]): string {
  const W = 640;
  const rowH = 26;
  const H = 40 + bars.length * rowH;
  const max = Math.max(...bars.map(([, v]) => v), 1);
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
  <text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>
  ${bars
    .map(([name, v], i) => {
      const y = 30 + i * rowH;
      const w = (v / max) * (W - 330);
      return `<text x="230" y="${y + 15}" text-anchor="end">${esc(name)}</text><rect x="236" y="${y + 3}" width="${w.toFixed(1)}" height="18" fill="${COLOURS[i % COLOURS.length]}"/><text x="${240 + w}" y="${y + 15}">${Math.round(v).toLocaleString("en-US")}/s</text>`;
    })
    .join("\n  ")}
</svg></figure>`;
}

/**
 * The per-stream timeline of streams started together: one row per stream (in start order), light from
 * the start to its first item, dark from its first item to its last. Streams served in turn show short
 * light bars and overlapping dark ones; streams served one after another, a staircase.
 */
function timelineChart(title: string, timeline: [number, number, number][]): string {
  if (timeline.length === 0) return "";
  const W = 640;
  const rowH = 6;
  const L = 50;
  const T = 30;
  const H = T + timeline.length * rowH + 36;
  const end = Math.max(...timeline.map(([, last]) => last), 1);
  const px = (ms: number) => L + (Math.max(ms, 0) / end) * (W - L - 20);
  const ticks = Array.from({ length: 5 }, (_, i) => (end * i) / 4);
  return `<figure><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
  <text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>
  ${ticks.map((t) => `<line x1="${px(t)}" x2="${px(t)}" y1="${T}" y2="${H - 30}" stroke="#eee"/><text x="${px(t)}" y="${H - 16}" text-anchor="middle">${Math.round(t).toLocaleString("en-US")} ms</text>`).join("")}
  <text x="${L - 6}" y="${T + 8}" text-anchor="end">stream 1</text><text x="${L - 6}" y="${H - 32}" text-anchor="end">${timeline.length}</text>
  ${timeline
    .map(([first, last], i) => {
      const y = T + i * rowH;
      const firstX = first < 0 ? px(last) : px(first);
      return `<rect x="${L}" y="${y}" width="${(firstX - L).toFixed(1)}" height="${rowH - 1}" fill="#f4b6b6"/><rect x="${firstX.toFixed(1)}" y="${y}" width="${Math.max(px(last) - firstX, 1).toFixed(1)}" height="${rowH - 1}" fill="#1f77b4"/>`;
    })
    .join("\n  ")}
</svg><figcaption>light: waiting for the first item; dark: first to last item</figcaption></figure>`;
}

const cdf = (values: number[]): [number, number][] =>
  [...values].sort((a, b) => a - b).map((v, i, all) => [v, (i + 1) / all.length]);

/** The HTML report: tables and inline SVG charts, no scripts. */
export function htmlReport(results: Results): string {
  const v = results.values;
  const bars: [string, number][] = (
    [
      ["raw pg read (case rows)", "pg.cases"],
      ["ECT StreamCases", "ect.cases"],
      ["raw pg read (active rows)", "pg.active"],
      ["ECT per-item stream", "ect.items"],
      ["ECT per-item, tracing off", "ect.items.untraced"],
      ["connect-node peer", "connect.items"],
      ["grpc-js peer", "grpcjs.items"],
    ] as const
  )
    .filter(([, key]) => v[key])
    .map(([name, key]) => [name, median(v[key])]);
  const concurrencyLine: Line = {
    name: "ECT per-item stream",
    points: results.concurrency
      .filter((n) => v[`concurrent.${n}`])
      .map((n) => [n, median(v[`concurrent.${n}`])]),
  };
  const ttfiP99Line: Line = {
    name: "p99 TTFI (ms)",
    points: results.concurrency
      .filter((n) => v[`concurrent.${n}.ttfiP99`])
      .map((n) => [n, median(v[`concurrent.${n}.ttfiP99`])]),
  };
  const ttfiLines = Object.entries(results.ttfi).map(([name, values]) => ({ name, points: cdf(values) }));
  const memLines = (key: "rss" | "heap") =>
    Object.entries(results.memory).map(([name, samples]) => ({
      name: `${name} ${key}`,
      points: samples.map((s) => [s.ms / 1000, (s[key] - samples[0][key]) / 2 ** 20] as [number, number]),
    }));
  const tableHtml = (md: string) =>
    md
      .split("\n\n")
      .map((block) => {
        const rows = block.split("\n").filter((line) => !/^\|[-:|]+\|$/.test(line));
        return `<table>${rows
          .map((row, i) => {
            const cells = row
              .split("|")
              .slice(1, -1)
              .map((c) => esc(c.trim()).replace(/\*\*(.+)\*\*/, "<b>$1</b>"));
            const tag = i === 0 ? "th" : "td";
            return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join("")}</tr>`;
          })
          .join("")}</table>`;
      })
      .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>ECT benchmark ${esc(results.date)}</title>
<style>body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}</style>
</head><body><h1>ECT benchmark, ${esc(results.profile)} profile, ${esc(results.date)}</h1>
<p>${esc(JSON.stringify(results.machine))}</p><p>${esc(JSON.stringify(results.data))}</p>
${tableHtml(markdownTable(results))}
${barChart("Single-stream throughput (median items/s)", bars)}
${lineChart("Aggregate throughput against concurrent streams", "concurrent streams (log)", "items/s", [concurrencyLine], true)}
${lineChart("Time to first item p99 when N streams start together", "concurrent streams (log)", "ms", [ttfiP99Line], true)}
${lineChart("Time to first item, unloaded (CDF of the last repeat)", "ms (log)", "fraction of calls", ttfiLines, true)}
${timelineChart("50 streams started together on ONE connection: per-stream timeline (last repeat)", results.timelines?.one ?? [])}
${timelineChart("50 streams started together on 50 connections: per-stream timeline (last repeat)", results.timelines?.each ?? [])}
${lineChart("Server RSS growth over time", "seconds", "MiB over start", memLines("rss"))}
${lineChart("Server heap-in-use growth over time", "seconds", "MiB over start", memLines("heap"))}
</body></html>
`;
}
