/**
 * A printed record as plain data: titled sections of labelled values, paragraphs and signature blocks. The
 * services fill one from what a case holds; the PDF renderer lays it out. Nothing here knows about PDF.
 */

/** One labelled value ("Treatment facility: Base clinic"). */
export interface PrintField {
  label: string;
  value: string;
}

/** A signature block: who signed, as what, when, and whether the signature still signs what it covers. */
export interface PrintSignature {
  name: string;
  grade: string;
  role: string;
  signedAt: Date;
  valid: boolean;
  /** Set for an invalidated signature: when, and by whom the change that broke it was made. */
  invalidatedAt?: Date;
  invalidatedBy?: string;
}

/** A titled part of the record. */
export interface PrintSection {
  title: string;
  /** Shown instead of the content when the reader may not see it (the content is then left out). */
  withheld?: string;
  fields: PrintField[];
  /** Longer texts printed under the fields (witness statements). */
  paragraphs: { heading: string; text: string }[];
  signatures: PrintSignature[];
}

/** A whole printed record. */
export interface PrintDocument {
  /** Printed at the top of every page. */
  title: string;
  /** Printed at the top and bottom of every page. */
  caseNumber: string;
  /** Lines under the title on the first page (member, unit, status). */
  summary: PrintField[];
  sections: PrintSection[];
}

/** What an unanswered field prints. */
export const NOT_ANSWERED = "Not answered";

/** "treatmentFacilityType" → "Treatment facility type"; known abbreviations keep their spelling. */
export function fieldLabel(jsonName: string): string {
  const special = SPECIAL_LABELS[jsonName];
  if (special) return special;
  const words = jsonName
    .replace(/([A-Z])/g, " $1")
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SPECIAL_LABELS: Readonly<Record<string, string>> = {
  maskedSsn: "SSN",
  pasCode: "PAS code",
  icd10Code: "ICD-10 code",
  seventhCharacter: "ICD-10 7th character",
  existedPriorToService: "Existed prior to service (EPTS)",
  motorVehicleAccident: "Motor vehicle accident",
  byReasonOf: "By reason of",
};

/** A stored value in words: yes/no, enum codes spelled out, an unanswered field as {@link NOT_ANSWERED}. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null || value === "") return NOT_ANSWERED;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  const text = String(value);
  // Enum codes are snake_case words ("ad_over_30_days"); anything else prints as written.
  return /^[a-z0-9]+(_[a-z0-9]+)+$/.test(text) ? text.replaceAll("_", " ") : text;
}

/** A date as YYYY-MM-DD (UTC): the print shows days, not the server's time zone. */
export function printDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The state line of a signature block: VALID, or INVALID with when and by whose change. */
export function signatureState(signature: PrintSignature): string {
  if (signature.valid) return "VALID";
  const when = signature.invalidatedAt ? ` on ${printDate(signature.invalidatedAt)}` : "";
  const who = signature.invalidatedBy ? ` by ${signature.invalidatedBy}` : "";
  return `INVALID (the signed content changed${when}${who})`;
}
