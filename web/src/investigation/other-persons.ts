/** One other person involved in the event as the report of investigation's form edits it (OtherPerson, plain). */
export interface OtherPersonDraft {
  name: string;
  grade: string;
  unit: string;
  involvement: string;
}

/** The list as the form compares and sends it: plain objects with exactly these four texts, in order. */
export function otherPersonsOf(value: unknown): OtherPersonDraft[] {
  if (!Array.isArray(value)) return [];
  return value.map((person: Partial<OtherPersonDraft>) => ({
    name: person.name ?? "",
    grade: person.grade ?? "",
    unit: person.unit ?? "",
    involvement: person.involvement ?? "",
  }));
}
