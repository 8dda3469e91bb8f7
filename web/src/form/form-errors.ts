import { Code, ConnectError } from "@connectrpc/connect";
import { errorText } from "../call-errors.js";

/** What the server refused, split into what belongs at a field and what the whole form shows. */
export interface FormErrors {
  /** Problems by `section.field` JSON path (`medical.treatmentDate`, `findings.wingJa.explanation`). */
  fields: Readonly<Record<string, string>>;
  /** The server's message as a whole (without the code), for the alert above the form; "" when none. */
  summary: string;
}

/** No error. */
export const NO_FORM_ERRORS: FormErrors = { fields: {}, summary: "" };

/** Said at a field the server named as missing when the case was forwarded. */
export const MISSING_BEFORE_FORWARD = "Required before the case can be forwarded";

/** "treatment_date" → "treatmentDate": the server may name fields in their proto spelling. */
function jsonSpelling(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The fields a refusal names, found in the server's message:
 * - INVALID_ARGUMENT and PERMISSION_DENIED start with the path (`medical.treatmentDate: must not be in the
 *   future`); RecordFinding names its fields `finding.explanation`, which `findingSection`
 *   (`findings.wingJa`) turns into the form's path;
 * - FAILED_PRECONDITION from a forward lists `required fields missing: medical.treatmentDate, …`.
 * A message that names no field (a section refused as a whole, a lost connection) is only the summary.
 */
export function formErrors(error: unknown, findingSection?: string): FormErrors {
  if (!(error instanceof Error)) return { fields: {}, summary: errorText(error) };
  const connect = ConnectError.from(error);
  const message = connect.rawMessage;
  const summary = message;
  if (connect.code === Code.FailedPrecondition) {
    const missing = /required fields missing: ([^;]+)/.exec(message)?.[1];
    // The investigation's fields come as investigation.report.place; the form spells them report.place.
    const paths = missing?.split(",").map((path) => path.trim().replace(/^investigation\./, "")) ?? [];
    return { fields: Object.fromEntries(paths.map((path) => [path, MISSING_BEFORE_FORWARD])), summary };
  }
  if (connect.code !== Code.InvalidArgument && connect.code !== Code.PermissionDenied)
    return { fields: {}, summary };
  // A witness's field is named unit.witnesses[0].name (a person's report.otherPersons[0].name): the problem
  // is shown at the list, naming the entry.
  const match = /^([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)(?:\[(\d+)\]\.([A-Za-z_]+))?: (.+)$/s.exec(message);
  if (!match) return { fields: {}, summary };
  const [, named, index, item, problem] = match;
  const segments = named.split(".").map(jsonSpelling);
  const path =
    segments[0] === "finding" && findingSection
      ? [findingSection, ...segments.slice(1)].join(".")
      : segments.join(".");
  const entry = segments.at(-1) === "otherPersons" ? "person" : "witness";
  const where = index === undefined ? "" : `${entry} ${Number(index) + 1}, ${item}: `;
  return { fields: { [path]: `${where}${problem}` }, summary };
}

/** How many of the errors fall in a section (`medical`, `findings.wingJa`). */
export function errorsIn(errors: FormErrors, section: string): number {
  return Object.keys(errors.fields).filter((path) => path.slice(0, path.lastIndexOf(".")) === section).length;
}
