/** One Server-Sent Events frame: its id, event name (default "message") and data. */
export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

/** Parses an SSE body into frames; comments (heartbeats) and an incomplete last frame are dropped. */
export function parseSse(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  const blocks = text.split("\n\n");
  // The part after the last blank line is an incomplete frame (or empty).
  blocks.pop();
  for (const block of blocks) {
    const frame: SseFrame = { id: undefined, event: "message", data: "" };
    let hasField = false;
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      hasField = true;
      if (field === "id") frame.id = value;
      else if (field === "event") frame.event = value;
      else if (field === "data") frame.data = frame.data ? `${frame.data}\n${value}` : value;
    }
    if (hasField) frames.push(frame);
  }
  return frames;
}

/** Parses an NDJSON body: one JSON value per non-empty line. */
export function parseNdjson(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

/** An HTTP response read whole, or until `maxMs` passed (for streams that never end, like watches). */
export interface ReadResponse {
  status: number;
  headers: Headers;
  text: string;
  /** True when the body was cut off at `maxMs` rather than ended by the server. */
  truncated: boolean;
}

/** Fetches a URL and reads its body for at most `maxMs`, then cancels the request. */
export async function fetchFor(url: string, init: RequestInit, maxMs: number): Promise<ReadResponse> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), maxMs);
  try {
    const res = await fetch(url, { ...init, signal: abort.signal });
    const decoder = new TextDecoder();
    let text = "";
    let truncated = false;
    const reader = res.body?.getReader();
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
      truncated = true;
    }
    return { status: res.status, headers: res.headers, text, truncated };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
