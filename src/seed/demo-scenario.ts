import type { FieldValue, Witness } from "../domain/form/field-declarations.js";
import type { FindingRoleKey } from "../domain/form/form-roles.js";
import * as ref from "./reference-data.js";

/**
 * What a demo LOD case is about, as data: the event, each role's part of the AF 348 and every reviewer's
 * finding. A scenario writes its text from the facts of the case it is given (member, unit, base, dates,
 * fictional witnesses), so two cases of one scenario read as two cases, not as one sentence repeated.
 */
export interface DemoScenario {
  key: string;
  /** The appointing authority directs a formal investigation: its finding is FORMAL and the case is flagged. */
  formal: boolean;
  content(facts: DemoFacts): DemoCaseContent;
}

/** The facts of one case a scenario's text may name. */
export interface DemoFacts {
  /** Rank and last name from the case's member snapshot ("SrA Lopez"). */
  member: string;
  unitName: string;
  base: DemoBase;
  /** The day of the event, YYYY-MM-DD, a few days before the case was started. */
  eventDate: string;
  /** Fictional people the case names (witnesses, the investigating officer); different from case to case. */
  people: readonly DemoPerson[];
}

/** A fictional person a case names. */
export interface DemoPerson {
  /** Rank and name ("MSgt Dana Whitfield"). */
  name: string;
  /** Family name alone, for a civilian title ("Deputy Whitfield"). */
  family: string;
  contact: string;
}

/** Where a wing's members drill and are treated. */
export interface DemoBase {
  name: string;
  clinic: string;
  hospital: string;
}

/** One reviewer's finding as the scenario records it (a finding code of src/seed/reference-data.ts). */
export interface DemoFinding {
  /** Omitted where the role may concur without one (the wing JA). */
  finding?: string;
  /** Omitted for the unit commander, who has no previous recommendation; true unless said otherwise. */
  concur?: boolean;
  byReasonOfId?: number;
  explanation: string;
}

/** Each role's part of the AF 348 for one case; field names are the form's JSON names. */
export interface DemoCaseContent {
  /** lod_details.incident_description, the one line the case lists show. */
  incident: string;
  /** member.dutyStatus, recorded by the medical technician. */
  memberDutyStatus: string;
  /** The medical technician's part of the medical section. */
  technician: Readonly<Record<string, FieldValue>>;
  /** The medical officer's part of the medical section. */
  officer: Readonly<Record<string, FieldValue>>;
  /** The unit commander's section, witnesses included. */
  unit: Readonly<Record<string, FieldValue>>;
  /** Every reviewer's finding the case can reach (the board's medical review is skipped on a formal case). */
  findings: Readonly<Partial<Record<FindingRoleKey, DemoFinding>>>;
}

/** The finding reasons ("by reason of") of the seeded list. */
export const ByReasonOf = { Injury: 1, Illness: 2, Travel: 3, Misconduct: 4, PreExisting: 5 } as const;

/** The proximate causes seeded by migration 010. */
export const ProximateCause = {
  MotorVehicle: 1,
  SportsOrTraining: 2,
  WorkplaceAccident: 4,
  Fall: 5,
  Assault: 6,
  AlcoholOrDrugs: 7,
  PreExisting: 9,
  Illness: 10,
  Environmental: 11,
  Other: 13,
} as const;

/** A date `days` after a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A YYYY-MM-DD date as the Air Force writes it in text: "14 Mar 2026". */
export function spoken(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** The bases of the seeded wings (fictional clinics and hospitals), by wing unit id. */
const bases: Record<number, DemoBase> = {
  10: base("March ARB, California", "452nd Medical Group", "Moreno Valley Regional Medical Center"),
  11: base(
    "Wright-Patterson AFB, Ohio",
    "445th Aeromedical Staging Squadron",
    "Greene County General Hospital",
  ),
  12: base("Joint Base Andrews, Maryland", "459th Medical Squadron", "Prince George's Valley Hospital"),
  13: base("Hill AFB, Utah", "419th Medical Squadron", "Davis Northern Medical Center"),
  14: base("Patrick SFB, Florida", "920th Medical Squadron", "Brevard Coast Community Hospital"),
  15: base("NAS JRB Fort Worth, Texas", "301st Medical Squadron", "Tarrant Westside Medical Center"),
  16: base("Dobbins ARB, Georgia", "94th Medical Squadron", "Cobb Ridge Regional Hospital"),
  17: base("Keesler AFB, Mississippi", "403rd Medical Squadron", "Gulf Shore Memorial Hospital"),
};

function base(name: string, medicalUnit: string, hospital: string): DemoBase {
  return { name, clinic: `${medicalUnit} clinic, ${name}`, hospital: `${hospital} (civilian)` };
}

/** The base of a unit: its wing's (the unit itself, or the wing above it). */
export function baseOfUnit(unitId: number): DemoBase {
  let id: number | null = unitId;
  while (id !== null && !(id in bases)) id = ref.units.find(([unit]) => unit === id)?.[1] ?? null;
  return bases[id ?? 10];
}

const ranks = ["SSgt", "TSgt", "MSgt", "SrA", "Capt", "1st Lt", "Maj", "CMSgt"];
const givenNames = ["Dana", "Marcus", "Alicia", "Terrence", "Yolanda", "Graham", "Ines", "Corbin", "Renee"];
const familyNames = [
  "Whitfield",
  "Okonkwo",
  "Brennan",
  "Salazar",
  "Lindqvist",
  "Moreau",
  "Tanaka",
  "Hollis",
  "Abernathy",
  "Castellano",
  "Pruitt",
];

/** Four fictional people for case `seed` (varied by the case id; never names of real people). */
export function peopleOf(seed: number): DemoPerson[] {
  return [0, 1, 2, 3].map((index) => {
    const n = seed * 7 + index * 5;
    const given = givenNames[n % givenNames.length];
    const family = familyNames[(seed + index * 3) % familyNames.length];
    return {
      name: `${ranks[(seed + index) % ranks.length]} ${given} ${family}`,
      family,
      contact: `DSN 555-01${String((seed * 3 + index * 17) % 100).padStart(2, "0")}, ${given.toLowerCase()}.${family.toLowerCase()}@ect.example.mil`,
    };
  });
}

/** A witness the unit commander lists: a person of the case and what they saw. */
export function witness(person: DemoPerson, statement: string): Witness {
  return { name: person.name, contact: person.contact, statement };
}

/** What each reviewer writes when all agree with the unit commander, the wing JA by concurring alone. */
export type AgreedExplanations = Readonly<Record<FindingRoleKey, string>>;

/**
 * The findings of a case every reviewer agrees on: the unit commander's recommendation, the wing JA's
 * concurrence (legal sufficiency: no finding of its own), and the same finding by reason of the same thing
 * from the appointing authority to the approving authority's determination.
 */
export function agreedFindings(
  finding: string,
  byReasonOfId: number,
  explanations: AgreedExplanations,
): Partial<Record<FindingRoleKey, DemoFinding>> {
  const same = (explanation: string): DemoFinding => ({ finding, concur: true, byReasonOfId, explanation });
  return {
    unitCommander: { finding, byReasonOfId, explanation: explanations.unitCommander },
    wingJa: { concur: true, explanation: explanations.wingJa },
    wingCommander: same(explanations.wingCommander),
    boardTechnician: same(explanations.boardTechnician),
    boardMedical: same(explanations.boardMedical),
    boardLegal: same(explanations.boardLegal),
    approvingAuthority: same(explanations.approvingAuthority),
  };
}
