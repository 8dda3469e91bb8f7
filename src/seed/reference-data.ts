/**
 * The AFRC reference data: roles, permissions, units, the LOD and reinvestigation workflows with their
 * statuses, options (steps), rules, actions, page access and reason lists. Ids are stable so tests,
 * docs and the WorkflowService contract can name them. Long on purpose: it is data, table after table.
 */

export const COMPO_AFRC = "6";

/** Role (user group) ids. */
export const Role = {
  SystemAdmin: 1,
  MedicalTechnician: 2,
  MedicalOfficer: 3,
  UnitCommander: 4,
  WingJA: 5,
  WingCommander: 6,
  BoardTechnician: 7,
  BoardLegal: 8,
  BoardMedical: 9,
  ProgramManager: 10,
  ApprovingAuthority: 11,
  MilitaryPersonnelFlight: 12,
  /** Held on a case by the officer appointed to investigate it (investigations.io_user_id), not as a home role. */
  InvestigatingOfficer: 13,
  HqTechnician: 88,
} as const;

export const roles: [number, string, string, number, string][] = [
  [Role.SystemAdmin, "System Administrator", "SA", 3, "System Administrator"],
  [Role.MedicalTechnician, "Medical Technician", "MT", 1, "Medical Technician"],
  [Role.MedicalOfficer, "Medical Officer", "MO", 1, "Medical Officer"],
  [Role.UnitCommander, "Unit Commander", "UC", 1, "Commander"],
  [Role.WingJA, "Wing JA", "WJA", 1, "Staff Judge Advocate"],
  [Role.WingCommander, "Wing Commander", "WCC", 1, "Appointing Authority"],
  [Role.BoardTechnician, "LOD Board Technician", "BT", 3, "LOD Board Technician"],
  [Role.BoardLegal, "LOD Board Legal", "BL", 3, "LOD Board Legal Advisor"],
  [Role.BoardMedical, "LOD Board Medical", "BM", 3, "LOD Board Medical Officer"],
  [Role.ProgramManager, "LOD Program Manager", "PM", 2, "LOD Program Manager"],
  [Role.ApprovingAuthority, "Approving Authority", "AA", 3, "Approving Authority"],
  [Role.MilitaryPersonnelFlight, "Military Personnel Flight", "MPF", 1, "MPF Chief"],
  [Role.HqTechnician, "HQ AFRC Technician", "HQT", 3, "HQ AFRC Technician"],
  [Role.InvestigatingOfficer, "Investigating Officer", "IO", 1, "Investigating Officer"],
];

/** Permission names the protos declare; ids are stable. */
export const permissions: [number, string, string][] = [
  [1, "lodView", "View Line of Duty cases in one's units"],
  [2, "lodCreate", "Start a new Line of Duty case"],
  [3, "lodEdit", "Edit the fields of a case"],
  [4, "lodAct", "Take workflow actions, sign and lock cases"],
  [5, "rrCreate", "Open a reinvestigation request"],
  [6, "memberSearch", "Search member data"],
  [7, "userAdmin", "Manage users, roles and account status"],
  [8, "workflowAdmin", "Manage workflow configuration"],
  [9, "logView", "Read process logs"],
  [10, "logAdmin", "Write and delete process logs"],
  [11, "auditView", "Read the audit trail"],
  [12, "traceView", "Search traces"],
  [13, "telemetryWrite", "Send spans to the OTLP receiver"],
  [14, "operatorView", "Read health details and metrics"],
  [23, "ssnSearch", "Search cases by a member's full SSN, with a reason (audited)"],
  [15, "documentAdd", "Add documents to cases in one's units"],
  [16, "documentWithdraw", "Withdraw documents of cases in one's units"],
  [18, "templateAdmin", "Edit memo templates"],
  [20, "notificationAdmin", "Edit notification templates and reminder rules"],
  [25, "reportView", "Run the LOD program reports over one's units"],
];

const casework = ["lodView", "lodEdit", "lodAct", "documentAdd"];

/** Which permissions each role holds. The system administrator holds every permission. */
export const rolePermissions: Record<number, string[]> = {
  [Role.SystemAdmin]: permissions.map(([, name]) => name),
  [Role.MedicalTechnician]: [...casework, "lodCreate", "memberSearch", "documentWithdraw"],
  [Role.MedicalOfficer]: casework,
  [Role.UnitCommander]: casework,
  [Role.WingJA]: casework,
  // The appointing authority answers for the wing's timeliness: the reports, scoped to the wing.
  [Role.WingCommander]: [...casework, "reportView"],
  [Role.BoardTechnician]: [...casework, "memberSearch", "documentWithdraw"],
  [Role.BoardLegal]: casework,
  [Role.BoardMedical]: casework,
  [Role.ApprovingAuthority]: casework,
  [Role.MilitaryPersonnelFlight]: [...casework, "rrCreate", "memberSearch", "ssnSearch"],
  [Role.ProgramManager]: [
    "lodView",
    "lodAct",
    "rrCreate",
    "memberSearch",
    "ssnSearch",
    "userAdmin",
    "templateAdmin",
    "logView",
    "auditView",
    "traceView",
    "notificationAdmin",
    "reportView",
    "documentWithdraw",
  ],
  [Role.HqTechnician]: ["lodView", "logView", "memberSearch", "reportView"],
  [Role.InvestigatingOfficer]: casework,
};

/** Units: [id, parentId, name, pasCode]. 1 is the root; wings sit under numbered air forces. */
export const units: [number, number | null, string, string][] = [
  [1, null, "HQ Air Force Reserve Command", "AFRC0000"],
  [2, 1, "4th Air Force", "AF040000"],
  [3, 1, "10th Air Force", "AF100000"],
  [4, 1, "22nd Air Force", "AF220000"],
  [10, 2, "452nd Air Mobility Wing", "WG452000"],
  [11, 2, "445th Airlift Wing", "WG445000"],
  [12, 2, "459th Air Refueling Wing", "WG459000"],
  [13, 3, "419th Fighter Wing", "WG419000"],
  [14, 3, "920th Rescue Wing", "WG920000"],
  [15, 3, "301st Fighter Wing", "WG301000"],
  [16, 4, "94th Airlift Wing", "WG094000"],
  [17, 4, "403rd Wing", "WG403000"],
  [100, 10, "452nd Medical Group", "GP452MDG"],
  [101, 10, "452nd Maintenance Group", "GP452MXG"],
  [102, 10, "729th Airlift Squadron", "SQ729AS0"],
  [103, 11, "445th Aeromedical Staging Squadron", "SQ445ASS"],
  [104, 11, "89th Airlift Squadron", "SQ089AS0"],
  [105, 12, "756th Air Refueling Squadron", "SQ756ARS"],
  [106, 13, "466th Fighter Squadron", "SQ466FS0"],
  [107, 14, "305th Rescue Squadron", "SQ305RQS"],
  [108, 15, "457th Fighter Squadron", "SQ457FS0"],
  [109, 16, "700th Airlift Squadron", "SQ700AS0"],
  [110, 17, "815th Airlift Squadron", "SQ815AS0"],
];

export const Workflow = { Lod: 1, Reinvestigation: 2 } as const;
export const Module = { Lod: 2, Reinvestigation: 5 } as const;

/** Status codes: [id, description, moduleId, holderRoleId, isFinal, isApproved, isCancel]. */
export const statusCodes: [number, string, number, number | null, boolean, boolean, boolean][] = [
  [10, "Medical Technician Review", Module.Lod, Role.MedicalTechnician, false, false, false],
  [11, "Medical Officer Review", Module.Lod, Role.MedicalOfficer, false, false, false],
  [12, "Unit Commander Review", Module.Lod, Role.UnitCommander, false, false, false],
  [13, "Wing JA Review", Module.Lod, Role.WingJA, false, false, false],
  [14, "Wing Commander Review", Module.Lod, Role.WingCommander, false, false, false],
  [15, "LOD Board Technician Review", Module.Lod, Role.BoardTechnician, false, false, false],
  [16, "LOD Board Medical Review", Module.Lod, Role.BoardMedical, false, false, false],
  [17, "LOD Board Legal Review", Module.Lod, Role.BoardLegal, false, false, false],
  [18, "Approving Authority Review", Module.Lod, Role.ApprovingAuthority, false, false, false],
  [19, "Complete", Module.Lod, null, true, true, false],
  [20, "Cancelled", Module.Lod, null, true, false, true],
  [30, "RR MPF Review", Module.Reinvestigation, Role.MilitaryPersonnelFlight, false, false, false],
  [31, "RR Wing JA Review", Module.Reinvestigation, Role.WingJA, false, false, false],
  [32, "RR Wing Commander Review", Module.Reinvestigation, Role.WingCommander, false, false, false],
  [33, "RR LOD Board Review", Module.Reinvestigation, Role.BoardTechnician, false, false, false],
  [34, "RR Approving Authority Review", Module.Reinvestigation, Role.ApprovingAuthority, false, false, false],
  [35, "RR Approved", Module.Reinvestigation, null, true, true, false],
  [36, "RR Denied", Module.Reinvestigation, null, true, false, false],
  [37, "RR Cancelled", Module.Reinvestigation, null, true, false, true],
  // The formal path of the LOD workflow (issue 17), after the rows above so their display order stays.
  [21, "Investigating Officer", Module.Lod, Role.InvestigatingOfficer, false, false, false],
  [22, "Formal Wing JA Review", Module.Lod, Role.WingJA, false, false, false],
  [23, "Formal Appointing Authority Review", Module.Lod, Role.WingCommander, false, false, false],
  [24, "Formal LOD Board Technician Review", Module.Lod, Role.BoardTechnician, false, false, false],
  [25, "Formal LOD Board Medical Review", Module.Lod, Role.BoardMedical, false, false, false],
  [26, "Formal LOD Board Legal Review", Module.Lod, Role.BoardLegal, false, false, false],
  [27, "Formal Approving Authority Review", Module.Lod, Role.ApprovingAuthority, false, false, false],
];

/** A reminder rule: [kind, workflowId, statusCodeId, roleId, after, repeatEvery, escalateAfter, escalateRoleId, event]. */
export type ReminderRuleRow = [string, number, number, number, number, number, number, number, string];

/**
 * Reminder rules (legacy form348_sp_emailOverDue: more than 10 days in a status). Every open status reminds its
 * holder after 10 days and every 5 after, escalating to the LOD Program Manager from day 20; the IO's suspense
 * reminds 3 days before and daily, escalating to the Wing Commander once it is past. Migration 017 writes the
 * same rows into databases seeded before it.
 */
export const reminderRules: ReminderRuleRow[] = [
  ...statusCodes
    .filter(([, , , holder, isFinal]) => holder !== null && !isFinal)
    .map(([id, , moduleId, holder]): ReminderRuleRow => {
      const workflowId = moduleId === Module.Lod ? Workflow.Lod : Workflow.Reinvestigation;
      return ["days_in_status", workflowId, id, holder as number, 10, 5, 20, Role.ProgramManager, "reminder"];
    }),
  ["suspense", Workflow.Lod, 21, Role.InvestigatingOfficer, -3, 1, 1, Role.WingCommander, "suspense_near"],
];

/** The formal path's status codes (status_codes.is_formal), in route order; Complete (19) ends it. */
export const formalStatusCodes = [21, 22, 23, 24, 25, 26, 27] as const;

/** Work status id of a status code in its workflow: 100 + status code id. */
export const ws = (statusCodeId: number) => 100 + statusCodeId;

/** The forward route of each workflow, in order (status code ids). */
export const lodRoute = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
export const rrRoute = [30, 31, 32, 33, 34, 35];
/** The formal route: a formal investigation directed at Wing Commander Review (14) enters it at 21. */
export const formalRoute = [21, 22, 23, 24, 25, 26, 27, 19];

export const RuleType = { SignatureRequired: 1, PreviouslyInStatus: 2, FormalInvestigation: 3 } as const;
export const ActionType = {
  AddSignature: 1,
  RemoveSignatures: 2,
  NotifyHolder: 3,
  RecordFinding: 4,
  ReleaseLock: 5,
} as const;

export const ruleTypes: [number, string, string][] = [
  [RuleType.SignatureRequired, "signatureRequired", "The acting role must have signed at the current status"],
  [RuleType.PreviouslyInStatus, "previouslyInStatus", "The case was at the status in rule data before"],
  [
    RuleType.FormalInvestigation,
    "formalInvestigation",
    "The case's formal investigation flag equals rule data",
  ],
];

export const actionTypes: [number, string, string][] = [
  [ActionType.AddSignature, "addSignature", "Record the actor's signature at the current status if missing"],
  [ActionType.RemoveSignatures, "removeSignatures", "Remove signatures recorded at the target status"],
  [ActionType.NotifyHolder, "notifyHolder", "Notify the role that holds the target status"],
  [ActionType.RecordFinding, "recordFinding", "Record the finding chosen with the option"],
  [ActionType.ReleaseLock, "releaseLock", "Release the case's edit lock"],
];

/** An option: [id, fromStatusCode, toStatusCode, label, kind, sortOrder]. */
export type OptionRow = [number, number, number, string, "advance" | "return" | "cancel", number];

/** Option ids from `first` up, skipping ids that rows outside the route already hold. */
function* idsFrom(first: number, reserved: readonly number[]): Generator<number, never> {
  for (let id = first; ; id++) if (!reserved.includes(id)) yield id;
}

/**
 * A route's options: forward one step; return without action to any earlier status of the route (the
 * one step back first, so it stays the default of a return that names no role); cancel from the
 * statuses whose holders may cancel. The forward and one-step-back rows keep the ids they always had;
 * the returns further back take the ids after the cancels (migration 012 adds them to older databases
 * by content, not by id).
 */
function routeOptions(
  route: number[],
  ids: Iterator<number>,
  labels: string[],
  cancelTo: number,
  cancelFrom: number[],
) {
  const rows: OptionRow[] = [];
  const next = () => ids.next().value as number;
  const returnTo = (from: number, to: number): OptionRow => [
    next(),
    route[from],
    route[to],
    `Return without action to ${statusName(route[to])}`,
    "return",
    2,
  ];
  for (let i = 0; i < route.length - 1; i++)
    rows.push([next(), route[i], route[i + 1], labels[i], "advance", 1]);
  for (let i = 1; i < route.length - 1; i++) rows.push(returnTo(i, i - 1));
  for (const from of cancelFrom) rows.push([next(), from, cancelTo, "Cancel case", "cancel", 3]);
  for (let i = 2; i < route.length - 1; i++) {
    for (let to = i - 2; to >= 0; to--) rows.push(returnTo(i, to));
  }
  return rows;
}

function statusName(id: number): string {
  return statusCodes.find(([statusId]) => statusId === id)?.[1] ?? String(id);
}

export const lodOptions: OptionRow[] = [
  ...routeOptions(
    lodRoute,
    idsFrom(1, [40]),
    [
      "Forward to Medical Officer",
      "Forward to Unit Commander",
      "Forward to Wing JA",
      "Forward to Wing Commander",
      "Forward to LOD Board",
      "Forward to Board Medical",
      "Forward to Board Legal",
      "Forward to Approving Authority",
      "Approve finding and complete",
    ],
    20,
    // Cancel is open to the medical officer, the appointing authority and the approving authority.
    [11, 14, 18],
  ),
  // Formal investigations skip the board's medical review and go straight to legal.
  [40, 15, 17, "Forward to Board Legal (formal investigation)", "advance", 1],
];

/**
 * The formal path's options, ids from 200: forward along the route (the board technician forwards to the
 * board's medical review, or straight to its legal review when no medical review is needed), return without
 * action to any earlier formal status (the investigating officer included: the appointment and its suspense
 * stay), cancel by the appointing authority and the approving authority. Migration 013 adds the same rows to
 * databases seeded before it.
 */
export const formalOptions: OptionRow[] = [
  ...routeOptions(
    formalRoute,
    idsFrom(200, [207]),
    [
      "Forward to Formal Wing JA",
      "Forward to Appointing Authority",
      "Forward to LOD Board",
      "Forward to Board Medical",
      "Forward to Board Legal",
      "Forward to Approving Authority",
      "Approve finding and complete",
    ],
    20,
    [23, 27],
  ),
  [207, 24, 26, "Forward to Board Legal (no medical review needed)", "advance", 1],
];

export const rrOptions: OptionRow[] = [
  ...routeOptions(
    rrRoute,
    idsFrom(50, [80]),
    [
      "Forward to Wing JA",
      "Forward to Wing Commander",
      "Forward to LOD Board",
      "Forward to Approving Authority",
      "Approve reinvestigation",
    ],
    37,
    [30, 31],
  ),
  [80, 34, 36, "Deny reinvestigation", "advance", 1],
];

export const findings: [number, string, string][] = [
  [1, "ILOD", "In Line of Duty"],
  [2, "NILOD-MISCONDUCT", "Not in Line of Duty, due to own misconduct"],
  [3, "NILOD-NOT-MISCONDUCT", "Not in Line of Duty, not due to own misconduct"],
  [4, "EPTS-LOD-NA", "Existed prior to service, LOD not applicable"],
  [5, "EPTS-SA", "Existed prior to service, service aggravated"],
  [6, "FORMAL", "Recommend formal investigation"],
];

export const findingReasons: [number, string, string][] = [
  [1, "Injury", "Injury sustained while in a duty status"],
  [2, "Illness", "Illness or disease contracted while in a duty status"],
  [3, "Travel", "Injury while travelling to or from duty"],
  [4, "Misconduct", "Result of the member's own misconduct"],
  [5, "Pre-existing", "Condition existed prior to service"],
];

/** Reasons: [id, kind, description, isFormal]. */
export const reasons: [number, "cancel" | "rwoa" | "return", string, boolean][] = [
  [1, "cancel", "Case opened in error", false],
  [2, "cancel", "Duplicate case", false],
  [3, "cancel", "Member declined LOD determination", false],
  [4, "cancel", "Investigation terminated by the appointing authority", true],
  [10, "rwoa", "Missing or incomplete documentation", false],
  [11, "rwoa", "Medical information insufficient", false],
  [12, "rwoa", "Signature missing or invalid", false],
  [13, "rwoa", "Wrong member or unit", false],
  [20, "return", "Returned for correction", false],
  [21, "return", "Returned for additional review", false],
];

export const pages: [number, string, string][] = [
  [1, "Initiate", "/line-of-duty/init"],
  [2, "Member", "/line-of-duty/member"],
  [3, "Medical", "/line-of-duty/medical"],
  [4, "Unit Commander", "/line-of-duty/unit-cc"],
  [5, "Wing JA", "/line-of-duty/wing-ja"],
  [6, "Wing Commander", "/line-of-duty/wing-cc"],
  [7, "LOD Board", "/line-of-duty/lod-board"],
  [8, "Next Action", "/line-of-duty/next-action"],
  [9, "Tracking", "/line-of-duty/tracking"],
  [10, "Audit", "/line-of-duty/audit"],
  [11, "Investigation", "/line-of-duty/investigation"],
];

/** The page a role writes while it holds a case. */
export const pageOfRole: Record<number, number> = {
  [Role.MedicalTechnician]: 3,
  [Role.MedicalOfficer]: 3,
  [Role.UnitCommander]: 4,
  [Role.WingJA]: 5,
  [Role.WingCommander]: 6,
  [Role.BoardTechnician]: 7,
  [Role.BoardMedical]: 7,
  [Role.BoardLegal]: 7,
  [Role.ApprovingAuthority]: 7,
  [Role.MilitaryPersonnelFlight]: 2,
  [Role.InvestigatingOfficer]: 11,
};

/** Demo users: [username, first, last, rank, roleId, unitId]. */
export const demoUsers: [string, string, string, string, number, number][] = [
  ["admin", "Alex", "Admin", "Mr.", Role.SystemAdmin, 1],
  ["medtech", "Maria", "Santos", "TSgt", Role.MedicalTechnician, 10],
  ["medofficer", "David", "Chen", "Maj", Role.MedicalOfficer, 10],
  ["unitcc", "Rachel", "Owens", "Lt Col", Role.UnitCommander, 10],
  ["wingja", "Thomas", "Brandt", "Maj", Role.WingJA, 10],
  ["wingcc", "Linda", "Marsh", "Col", Role.WingCommander, 10],
  ["boardtech", "Kevin", "Doyle", "MSgt", Role.BoardTechnician, 1],
  ["boardmed", "Priya", "Raman", "Col", Role.BoardMedical, 1],
  ["boardlegal", "Samuel", "Okafor", "Lt Col", Role.BoardLegal, 1],
  ["approver", "Helen", "Ward", "Brig Gen", Role.ApprovingAuthority, 1],
  ["mpf", "Jorge", "Alvarez", "SMSgt", Role.MilitaryPersonnelFlight, 10],
  ["lodpm", "Nina", "Kowalski", "Ms.", Role.ProgramManager, 1],
  ["hqtech", "Owen", "Price", "TSgt", Role.HqTechnician, 1],
  ["medtech445", "Grace", "Lee", "SSgt", Role.MedicalTechnician, 11],
  ["unitcc445", "Brian", "Foster", "Lt Col", Role.UnitCommander, 11],
  // Officers of the 452nd AMW's groups the appointing authority may appoint as investigating officers (their
  // home role gives them the case permissions; the IO role itself comes with an appointment), and a 2d Lt the
  // IO grade rule refuses as too junior.
  ["iocapt", "Erin", "Walsh", "Capt", Role.InvestigatingOfficer, 101],
  ["iomaj", "Victor", "Reyes", "Maj", Role.InvestigatingOfficer, 100],
  ["io2lt", "Dana", "Kim", "2d Lt", Role.InvestigatingOfficer, 101],
];

export const processes: [string, boolean][] = [
  ["NightlyMemberSync", true],
  ["LodReminderEmails", true],
  ["SessionCleanup", true],
  ["ReportWarmup", true],
  ["AuditArchive", false],
];
