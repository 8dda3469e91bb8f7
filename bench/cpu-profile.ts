import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const busy = (nodes: ProfileNode[]) =>
  nodes.reduce((sum, n) => sum + (n.callFrame.functionName === "(idle)" ? 0 : (n.hitCount ?? 0)), 0);

/**
 * Summarises the busiest .cpuprofile in `dir` (the main thread, not tsx's loader thread): self time by
 * package and by function, idle time left out.
 */
export async function summariseCpuProfile(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) return "no .cpuprofile written";
  let file = "";
  let profile: { nodes: ProfileNode[] } = { nodes: [] };
  for (const name of files) {
    const candidate = JSON.parse(await readFile(join(dir, name), "utf8")) as { nodes: ProfileNode[] };
    if (busy(candidate.nodes) > busy(profile.nodes)) [file, profile] = [join(dir, name), candidate];
  }
  const total = busy(profile.nodes) || 1;
  const byFrame = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits || node.callFrame.functionName === "(idle)") continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "");
    const frame = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + hits);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ??
      (where.startsWith("src/")
        ? "ect src"
        : where.startsWith("node:")
          ? "node core"
          : functionName.startsWith("(")
            ? functionName
            : "node core / native");
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => `  ${((hits / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
      .join("\n");
  return `CPU profile ${file} (busy time only)\nself time by package:\n${top(byPackage, 12)}\nself time by function:\n${top(byFrame, 25)}`;
}
