/** The media type without parameters, lowercased: "Text/Plain; charset=utf-8" → "text/plain". */
export function baseMediaType(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

/** What the bytes of an upload turned out to be. */
export interface ContentCheck {
  /** The type the uploader declared (Content-Type, or the first message's file.content_type). */
  readonly declared: string;
  /** The type detected from the magic bytes; undefined when the bytes have no known signature. */
  readonly detected: string | undefined;
  /** Types the server accepts (config.documents.allowedTypes). */
  readonly allowed: readonly string[];
}

/**
 * Why an upload's content is refused, or undefined when it is accepted as its declared type. Plain text has
 * no magic number, so bytes without a signature are accepted only when declared text/plain (and the caller
 * checks separately that they are valid UTF-8 without NUL bytes: textProblem).
 */
export function contentTypeProblem(check: ContentCheck): string | undefined {
  const declared = baseMediaType(check.declared);
  const allowed = check.allowed.map(baseMediaType);
  if (!declared) return "the content type is required";
  const actual = check.detected ?? (declared === "text/plain" ? "text/plain" : undefined);
  if (actual === undefined) return `the content is not a recognised file type (declared ${declared})`;
  if (!allowed.includes(actual)) return `${actual} files are not accepted (accepted: ${allowed.join(", ")})`;
  if (actual !== declared) return `the content is ${actual} but was declared ${declared}`;
  return undefined;
}

/** Checks a text upload chunk by chunk: valid UTF-8 and no NUL byte, whatever the chunk boundaries. */
export class TextCheck {
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });
  #problem: string | undefined;

  /** Feeds the next bytes; `last` flushes a sequence cut at the end. */
  push(bytes: Uint8Array, last = false): void {
    if (this.#problem) return;
    if (bytes.includes(0)) {
      this.#problem = "a text/plain file must not contain NUL bytes";
      return;
    }
    try {
      this.#decoder.decode(bytes, { stream: !last });
    } catch {
      this.#problem = "a text/plain file must be valid UTF-8";
    }
  }

  /** Why the text was refused so far, if it was. */
  get problem(): string | undefined {
    return this.#problem;
  }
}
