/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// Values parse as Go's ParseFloat does, so NaN and Inf are case-insensitive (prom-client writes "Nan").
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-]?[Ii]nf)(?: -?\d+)?$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;
const COMMENT =
  /^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped))$/;

/** Parses Prometheus text exposition, throwing on the first line that does not follow the format. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  text.split("\n").forEach((line, index) => {
    if (line === "") return;
    if (line.startsWith("#")) {
      if (!COMMENT.test(line)) throw new Error(`line ${index + 1}: bad comment: ${line}`);
      return;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1}: bad sample: ${line}`);
    const labels: Record<string, string> = {};
    let rest = match[2] ?? "";
    while (rest !== "") {
      const label = LABEL.exec(rest);
      if (!label) throw new Error(`line ${index + 1}: bad labels: ${line}`);
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      rest = rest.slice(label[0].length);
    }
    samples.push({ name: match[1], labels, value: floatValue(match[3]) });
  });
  return samples;
}

/** The value of the one sample with this name and (at least) these labels, or undefined. */
export function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value;
}

function floatValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower.endsWith("inf")) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}
