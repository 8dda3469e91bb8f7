import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Summarises the newest .cpuprofile in `dir`: self time by function and by package, top 25. */
export async function summariseCpuProfile(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).sort();
  if (files.length === 0) return "no .cpuprofile written";
  const file = join(dir, files[files.length - 1]);
  const profile = JSON.parse(await readFile(file, "utf8")) as { nodes: ProfileNode[] };
  const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "");
    const frame = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + hits);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? (where.startsWith("src/") ? "ect src" : where.startsWith("node:") ? "node core" : functionName.startsWith("(") ? functionName : "node core / native");
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `  ${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
      .join("\n");
  return `CPU profile ${file}\nself time by package:\n${top(byPackage, 12)}\nself time by function:\n${top(byFrame, 25)}`;
}
