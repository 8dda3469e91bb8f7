/** One code of a CMS ICD-10-CM file. */
export interface Icd10Entry {
  /** As CMS writes it, without the dot ("S62101A"). */
  code: string;
  /** The long description. */
  description: string;
  /** Valid for submission; false for a category header. */
  billable: boolean;
}

/**
 * The two text layouts of the CMS "Code Descriptions in Tabular Order" release:
 * - `codes` (icd10cm_codes_YYYY.txt): the code, spaces, the long description; valid codes only;
 * - `order` (icd10cm_order_YYYY.txt): fixed width — order number (5), blank, code (7), blank,
 *   header flag (1: 0 header, 1 valid), blank, short description (60), blank, long description.
 */
export type CmsFileFormat = "codes" | "order";

/** A file, or a line of it, that is not in a CMS format; the message names the line when there is one. */
export class Icd10FileError extends Error {
  constructor(
    readonly lineNumber: number | undefined,
    problem: string,
  ) {
    super(lineNumber === undefined ? problem : `line ${lineNumber}: ${problem}`);
    this.name = "Icd10FileError";
  }
}

/** An ICD-10-CM code: a letter, a digit, then one to five letters or digits (3–7 characters). */
const CODE = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
/** Longest description accepted, as the table's check says (CMS's longest is 228 characters). */
const MAX_DESCRIPTION = 400;
const ORDER_LINE = /^(\d{5}) ([0-9A-Z ]{7}) ([01]) (.{60}) (.*)$/;
const CODES_LINE = /^([0-9A-Z]{3,7}) +(\S.*)$/;

/** The format of a file, from its first non-blank line; undefined when the line is in neither. */
export function detectCmsFormat(line: string): CmsFileFormat | undefined {
  const text = line.trimEnd();
  if (ORDER_LINE.test(text)) return "order";
  if (CODES_LINE.test(text)) return "codes";
  return undefined;
}

/** Parses one non-blank line of a file in `format`; Icd10FileError naming the line otherwise. */
export function parseCmsLine(format: CmsFileFormat, line: string, lineNumber: number): Icd10Entry {
  const text = line.trimEnd();
  const match = (format === "order" ? ORDER_LINE : CODES_LINE).exec(text);
  if (!match) {
    throw new Icd10FileError(
      lineNumber,
      format === "order"
        ? "not an order-file line (order number, code, header flag, short and long description in fixed columns)"
        : "not a code-file line (a code, spaces, the description)",
    );
  }
  const [code, billable, description] =
    format === "order"
      ? [match[2].trimEnd(), match[3] === "1", match[5].trim()]
      : [match[1], true, match[2].trim()];
  if (!CODE.test(code)) throw new Icd10FileError(lineNumber, `"${code}" is not an ICD-10-CM code`);
  if (description === "") throw new Icd10FileError(lineNumber, `code ${code} has no description`);
  if (description.length > MAX_DESCRIPTION)
    throw new Icd10FileError(lineNumber, `the description of ${code} is over ${MAX_DESCRIPTION} characters`);
  return { code, description, billable };
}

/**
 * Reads a CMS file's lines into batches of entries, the format taken from its first non-blank line
 * and held for every line after it. Pulls lines as it goes: at most one batch is held at a time.
 */
export async function* readCmsCodeFile(
  lines: AsyncIterable<string>,
  batchSize: number,
): AsyncGenerator<{ format: CmsFileFormat; entries: Icd10Entry[] }> {
  let format: CmsFileFormat | undefined;
  let lineNumber = 0;
  let entries: Icd10Entry[] = [];
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === "") continue;
    if (!format) {
      format = detectCmsFormat(line);
      if (!format) {
        throw new Icd10FileError(
          lineNumber,
          "neither a CMS code file (icd10cm_codes_YYYY.txt) nor an order file (icd10cm_order_YYYY.txt)",
        );
      }
    }
    entries.push(parseCmsLine(format, line, lineNumber));
    if (entries.length >= batchSize) {
      yield { format, entries };
      entries = [];
    }
  }
  if (!format) throw new Icd10FileError(undefined, "the file holds no codes");
  if (entries.length > 0) yield { format, entries };
}

/**
 * The lines of a text stream (a file read as UTF-8), without their line ends (LF or CRLF), pulled as
 * the consumer asks: only the current chunk and one partial line are held.
 */
export async function* textLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) yield part.endsWith("\r") ? part.slice(0, -1) : part;
  }
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}
