/** The DOM id of a field's control ("f-medical-treatmentDate"): labels, errors and the error summary point to it. */
export function fieldId(path: string): string {
  return `f-${path.replaceAll(".", "-")}`;
}

/** The id of the text that explains a field's error. */
export function fieldErrorId(path: string): string {
  return `${fieldId(path)}-error`;
}
