/** Longest file name kept (the documents table allows 255). */
export const MAX_FILE_NAME_LENGTH = 200;

/**
 * A file name safe to store and to send back in Content-Disposition: the last path part only (a client's
 * "C:\\fakepath\\x.pdf" or "../../x.pdf"), without control or bidirectional-override characters, trimmed of the
 * dots and spaces Windows drops, cut to MAX_FILE_NAME_LENGTH characters keeping the extension. Empty when nothing
 * usable is left, so the caller can refuse the name.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFC")
    // Controls (Cc) and format characters (Cf): the bidi overrides that make "evil\u202Efdp.exe" display as
    // "evilexe.pdf", zero-width characters.
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+|[\s.]+$/g, "");
  const chars = [...cleaned];
  if (chars.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 ? [...cleaned.slice(dot)] : [];
  if (extension.length > 16) return chars.slice(0, MAX_FILE_NAME_LENGTH).join("");
  return chars.slice(0, MAX_FILE_NAME_LENGTH - extension.length).join("") + extension.join("");
}
