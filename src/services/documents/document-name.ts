import { invalidArgument } from "../../errors.js";

/** Parses "cases/{case}/documents/{document}"; INVALID_ARGUMENT naming the field otherwise. */
export function documentName(field: string, name: string): { caseId: number; documentId: number } {
  if (!name) throw invalidArgument(field, 'required (e.g. "cases/42/documents/7")');
  const match = /^cases\/(\d{1,9})\/documents\/(\d{1,9})$/.exec(name);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw invalidArgument(field, `must look like "cases/42/documents/7", got "${name}"`);
  return { caseId: Number(match[1]), documentId: Number(match[2]) };
}
