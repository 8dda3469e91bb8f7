/**
 * The roles that work on the AF 348, as data: the seeded role id, the status codes at which the role writes
 * (the statuses it holds in the LOD route of src/seed/reference-data.ts, informal and formal), and the sections
 * its signature covers. On the formal path the reviewers write their findings as on the informal one; the
 * investigating officer writes no AF 348 section (its report is the investigation's, src/domain/investigation/). Everything else about a role's part of the form is declared on the fields (af348-sections.ts,
 * finding-rules.ts).
 */

/** A role's key on the form (JSON spelling). */
export type FormRoleKey =
  | "medicalTechnician"
  | "medicalOfficer"
  | "unitCommander"
  | "wingJa"
  | "wingCommander"
  | "boardTechnician"
  | "boardMedical"
  | "boardLegal"
  | "approvingAuthority"
  | "investigatingOfficer";

/** The roles that record a finding, in the order the case reaches them. */
export const FINDING_ROLE_KEYS = [
  "unitCommander",
  "wingJa",
  "wingCommander",
  "boardTechnician",
  "boardMedical",
  "boardLegal",
  "approvingAuthority",
] as const satisfies readonly FormRoleKey[];

/** A role that records a finding. */
export type FindingRoleKey = (typeof FINDING_ROLE_KEYS)[number];

/** Whether a form role records a finding. */
export function isFindingRole(key: FormRoleKey): key is FindingRoleKey {
  return (FINDING_ROLE_KEYS as readonly FormRoleKey[]).includes(key);
}

/** A section of the form: the three fixed sections, and one finding section per finding role. */
export type SectionName = "member" | "medical" | "unit" | `findings.${FindingRoleKey}`;

/** What the form knows about one role. */
export interface FormRole {
  key: FormRoleKey;
  /** The seeded role id (src/seed/reference-data.ts Role). */
  roleId: number;
  /** LOD status codes at which the role writes its part (the statuses it holds). */
  writesAtStatusCodeIds: readonly number[];
  /** The sections the role's signature covers, hashed together when it signs. */
  signatureCovers: readonly SectionName[];
}

/** Every form role, in route order. */
export const FORM_ROLES: readonly FormRole[] = [
  {
    key: "medicalTechnician",
    roleId: 2,
    writesAtStatusCodeIds: [10],
    signatureCovers: ["member", "medical"],
  },
  { key: "medicalOfficer", roleId: 3, writesAtStatusCodeIds: [11], signatureCovers: ["member", "medical"] },
  {
    key: "unitCommander",
    roleId: 4,
    writesAtStatusCodeIds: [12],
    signatureCovers: ["unit", "findings.unitCommander"],
  },
  { key: "wingJa", roleId: 5, writesAtStatusCodeIds: [13, 22], signatureCovers: ["findings.wingJa"] },
  {
    key: "wingCommander",
    roleId: 6,
    writesAtStatusCodeIds: [14, 23],
    signatureCovers: ["findings.wingCommander"],
  },
  {
    key: "boardTechnician",
    roleId: 7,
    writesAtStatusCodeIds: [15, 24],
    signatureCovers: ["findings.boardTechnician"],
  },
  {
    key: "boardMedical",
    roleId: 9,
    writesAtStatusCodeIds: [16, 25],
    signatureCovers: ["findings.boardMedical"],
  },
  { key: "boardLegal", roleId: 8, writesAtStatusCodeIds: [17, 26], signatureCovers: ["findings.boardLegal"] },
  {
    key: "approvingAuthority",
    roleId: 11,
    writesAtStatusCodeIds: [18, 27],
    signatureCovers: ["findings.approvingAuthority"],
  },
  { key: "investigatingOfficer", roleId: 13, writesAtStatusCodeIds: [21], signatureCovers: [] },
];

/** The form role of a seeded role id; undefined for roles with no part in the form (administrators, MPF…). */
export function formRoleOf(roleId: number): FormRole | undefined {
  return FORM_ROLES.find((role) => role.roleId === roleId);
}

/** The form role with a key. */
export function formRole(key: FormRoleKey): FormRole {
  const role = FORM_ROLES.find((candidate) => candidate.key === key);
  if (!role) throw new Error(`unknown form role ${key}`);
  return role;
}

/** Every section name, in form order. */
export const SECTION_NAMES: readonly SectionName[] = [
  "member",
  "medical",
  "unit",
  ...FINDING_ROLE_KEYS.map((key) => `findings.${key}` as const),
];
