import { type FormRoleKey, formRoleOf } from "../domain/form/form-roles.js";
import type { DemoScenario } from "./demo-scenario.js";
import { DEMO_SCENARIOS } from "./demo-scenarios.js";
import * as ref from "./reference-data.js";

/** A seeded LOD case as its plan needs it. */
export interface DemoCaseRow {
  id: number;
  /** The status code the seed put the case at (10–19 along the route, 20 cancelled; 21–27 or 19 when formal). */
  statusCodeId: number;
  /**
   * The appointing authority directed a formal investigation, for this reason: the case left Wing Commander
   * Review for its investigating officer and is on the formal route (demo-scenarios-formal.ts).
   */
  formal?: { reason: string };
  createdAt: Date;
  updatedAt: Date;
}

/** How a case left a status. */
export interface DemoExit {
  kind: "advance" | "return" | "cancel";
  /** The seeded option's label (ref.lodOptions). */
  label: string;
  /** Returns and cancels: the seeded reason and what the role wrote about it. */
  reasonId?: number;
  comment: string;
}

/** One status the case went through or sits at. */
export interface DemoStep {
  statusCodeId: number;
  /** The role holding the case there; null at a final status. */
  roleId: number | null;
  start: Date;
  /** When the case left; at a final status the same as start; null while the case waits there. */
  end: Date | null;
  exit?: DemoExit;
}

/** A part of the form a role wrote before it moved the case on, and when. */
export interface DemoWrite {
  role: FormRoleKey;
  roleId: number;
  at: Date;
}

/** What the seed writes for one LOD case: the path to its status, who wrote and signed what, and why it moved back. */
export interface DemoCasePlan {
  caseId: number;
  scenario: DemoScenario;
  steps: DemoStep[];
  /** Roles whose part of the form is written, in route order. */
  writes: DemoWrite[];
  /** A case just started: part of the medical technician's entries, unsigned. */
  draft: boolean;
  /** Signatures still on the case: one per forward, less those a return voided. */
  signatures: { statusCodeId: number; roleId: number; at: Date }[];
  /** cases.rwoa_reason and cases.cancel_reason: the reason's description, as a move records it. */
  rwoaReason: string;
  cancelReason: string;
}

const CANCELLED = 20;
const COMPLETE = 19;
const APPOINTING_AUTHORITY = 14;

/** Who cancels, by case id % 3: the medical officer, the appointing authority, the approving authority. */
const CANCEL_FROM = [11, 14, 18] as const;

interface Why {
  reasonId: number;
  comment: string;
}

/** Cancellations: what each cancelling role records, two variants each (by case id). */
const cancels: Record<(typeof CANCEL_FROM)[number], readonly [Why, Why]> = {
  11: [
    {
      reasonId: 2,
      comment:
        "Duplicate of the case the member's squadron opened for the same event; the medical record is filed there.",
    },
    {
      reasonId: 1,
      comment:
        "Opened against the wrong member: the injured airman has a similar name and is in another unit. A new case was started for the right member.",
    },
  ],
  14: [
    {
      reasonId: 3,
      comment:
        "The member asked in writing that no determination be made and claims no duty-related benefits.",
    },
    {
      reasonId: 4,
      comment: "The member was discharged from the Reserve before the review could be completed; terminated.",
    },
  ],
  18: [
    {
      reasonId: 2,
      comment:
        "A determination for this same event was made under another case number; closed as a duplicate.",
    },
    {
      reasonId: 3,
      comment:
        "The member withdrew the request for a determination after the board's review; closed at their request.",
    },
  ],
};

/**
 * Returns without action: a case found at status `to` was sent back there from `from`, with the reason and
 * what the returning role wrote.
 */
const returns: Record<number, { from: number } & Why> = {
  10: {
    from: 11,
    reasonId: 10,
    comment:
      "The emergency department discharge summary is not attached and the first treatment date differs from it; attach it and correct the date.",
  },
  11: {
    from: 13,
    reasonId: 11,
    comment:
      "The medical part does not say whether the condition existed before this duty; state EPTS and service aggravation with the records behind them.",
  },
  12: {
    from: 14,
    reasonId: 10,
    comment:
      "Attach the UTA sign-in roster for the day and the supervisor's statement; proof of status must be verified before I act.",
  },
  13: {
    from: 15,
    reasonId: 12,
    comment:
      "The legal review was signed before the unit commander's section was corrected; review and sign it again.",
  },
  14: {
    from: 17,
    reasonId: 10,
    comment: "The appointing authority's finding gives no explanation; add it so the board can rely on it.",
  },
  15: {
    from: 18,
    reasonId: 11,
    comment:
      "The case file lacks the radiology report the board's medical review cites; obtain it before I decide.",
  },
  16: {
    from: 18,
    reasonId: 11,
    comment:
      "Board medical: address whether the condition existed before service; the record mentions earlier treatment.",
  },
  17: {
    from: 18,
    reasonId: 10,
    comment: "Board legal: the member's written response to the proposed finding is missing from the file.",
  },
};

/**
 * Case `id` is one that was returned to its status (see `returns`): every fourth round of 13 cases from the
 * 16th round on (ids 247–259, 299–311, …). The first cases at each status keep a straight path, which the
 * WorkflowService contract suite and other tests read as the seeded history.
 */
function isReturned(id: number, statusCodeId: number): boolean {
  const round = Math.floor(id / 13);
  return statusCodeId in returns && round >= 16 && round % 4 === 3;
}

/**
 * The scenario of case `id`: number `id % 14`, or the next one that fits. A scenario that calls for a formal
 * investigation stops at the appointing authority (who has it to decide) or before: past it, the case would be
 * on the formal path, whose demo cases demo-scenarios-formal.ts seeds with their investigation.
 */
function scenarioOf(id: number, furthest: number): DemoScenario {
  const pastAppointingAuthority = ref.lodRoute.indexOf(furthest) > ref.lodRoute.indexOf(APPOINTING_AUTHORITY);
  for (let offset = 0; ; offset++) {
    const scenario = DEMO_SCENARIOS[(id + offset) % DEMO_SCENARIOS.length];
    if (!scenario.formal || !pastAppointingAuthority) return scenario;
  }
}

function holderOf(statusCodeId: number): number | null {
  return ref.statusCodes.find(([id]) => id === statusCodeId)?.[3] ?? null;
}

/** The tracking label of the move that directs a formal investigation (as DirectFormalInvestigation writes it). */
const DIRECTED_LABEL = "Formal investigation directed";

/** The seeded option from one status to another of a kind; its label names the move in the timeline. */
function optionLabel(from: number, to: number, kind: DemoExit["kind"]): string {
  const option = [...ref.lodOptions, ...ref.formalOptions].find(
    ([, optionFrom, optionTo, , optionKind]) => optionFrom === from && optionTo === to && optionKind === kind,
  );
  if (!option) throw new Error(`the LOD workflow has no ${kind} option from ${from} to ${to}`);
  return option[3];
}

/** The route from the start up to `last`. */
function routeTo(last: number): number[] {
  return ref.lodRoute.slice(0, ref.lodRoute.indexOf(last) + 1);
}

/**
 * The plan of one seeded LOD case: the path that brought it to its status (forwarded along the route; some
 * returned without action from a later role, some cancelled by a role that may cancel), timed evenly between
 * its creation and its last update, and what each role wrote and signed on the way.
 */
export function planDemoCase(row: DemoCaseRow): DemoCasePlan {
  if (row.formal) return planFormalCase(row, row.formal.reason);
  const current = row.statusCodeId;
  const cancelled = current === CANCELLED;
  const cancelFrom = CANCEL_FROM[row.id % CANCEL_FROM.length];
  const returned = isReturned(row.id, current) ? returns[current] : undefined;
  const furthest = cancelled ? cancelFrom : (returned?.from ?? current);
  const scenario = scenarioOf(row.id, furthest);
  const route = routeTo(furthest);
  const statuses: { statusCodeId: number; exit?: DemoExit }[] = route.map((status, index) =>
    index < route.length - 1
      ? {
          statusCodeId: status,
          exit: { kind: "advance", label: optionLabel(status, route[index + 1], "advance"), comment: "" },
        }
      : { statusCodeId: status },
  );
  const last = statuses[statuses.length - 1];
  let rwoaReason = "";
  let cancelReason = "";
  if (returned) {
    last.exit = { kind: "return", label: optionLabel(furthest, current, "return"), ...returned };
    rwoaReason = reasonText(returned.reasonId);
    statuses.push({ statusCodeId: current });
  } else if (cancelled) {
    const why = cancels[cancelFrom][row.id % 2];
    last.exit = { kind: "cancel", label: optionLabel(cancelFrom, CANCELLED, "cancel"), ...why };
    cancelReason = reasonText(why.reasonId);
    statuses.push({ statusCodeId: CANCELLED });
  }
  const steps = timed(statuses, row);
  const writes: DemoWrite[] = [];
  const signatures: DemoCasePlan["signatures"] = [];
  // A return voids the signatures of the status it returns to and of every status after it.
  const voidedFrom = returned ? ref.lodRoute.indexOf(current) : Number.POSITIVE_INFINITY;
  for (const step of steps) {
    if (step.exit?.kind !== "advance" || step.roleId === null || step.end === null) continue;
    const role = formRoleOf(step.roleId);
    if (!role) continue;
    const span = step.end.getTime() - step.start.getTime();
    writes.push({ role: role.key, roleId: step.roleId, at: new Date(step.start.getTime() + span / 2) });
    if (ref.lodRoute.indexOf(step.statusCodeId) < voidedFrom) {
      const signedAt = new Date(step.end.getTime() - Math.min(10 * 60_000, span / 4));
      signatures.push({ statusCodeId: step.statusCodeId, roleId: step.roleId, at: signedAt });
    }
  }
  const draft = current === ref.lodRoute[0] && !returned && row.id % 2 === 0;
  return { caseId: row.id, scenario, steps, writes, draft, signatures, rwoaReason, cancelReason };
}

/** The scenarios that call for a formal investigation. */
const FORMAL_SCENARIOS = DEMO_SCENARIOS.filter((scenario) => scenario.formal);

/**
 * The formal scenario of a case on the formal route, by its status, alternating along the route so that both
 * show; the completed one is the first (a determination of misconduct, which no informal demo case reaches).
 */
export function formalScenarioOf(statusCodeId: number): DemoScenario {
  const position = ref.formalRoute.indexOf(statusCodeId);
  return FORMAL_SCENARIOS[(position + 1) % FORMAL_SCENARIOS.length];
}

/**
 * The plan of a case on the formal route: forwarded along the informal route to the appointing authority, who
 * directed the investigation, then forwarded along the formal route to its status. Every role writes its part of
 * the AF 348 once (the wing JA and the appointing authority at their first review); the signatures at the
 * investigating officer's and the two formal reviews sign the investigation, which demo-scenarios-formal.ts
 * writes, so they are not among the AF 348 signatures here.
 */
function planFormalCase(row: DemoCaseRow, reason: string): DemoCasePlan {
  const scenario = formalScenarioOf(row.statusCodeId);
  const informal = routeTo(APPOINTING_AUTHORITY);
  // The formal scenarios' board reviews need no medical opinion: the board technician forwards straight to
  // legal, unless the case waits at the board's medical review (sent there for one).
  const formal = ref.formalRoute
    .slice(0, ref.formalRoute.indexOf(row.statusCodeId) + 1)
    .filter((status) => status !== FORMAL_BOARD_MEDICAL || status === row.statusCodeId);
  const route = [...informal, ...formal];
  const statuses = route.map((status, index) => {
    if (index === route.length - 1) return { statusCodeId: status };
    const next = route[index + 1];
    const exit: DemoExit =
      status === APPOINTING_AUTHORITY
        ? { kind: "advance", label: DIRECTED_LABEL, comment: reason }
        : { kind: "advance", label: optionLabel(status, next, "advance"), comment: "" };
    return { statusCodeId: status, exit };
  });
  const steps = timed(statuses, row);
  const writes: DemoWrite[] = [];
  const signatures: DemoCasePlan["signatures"] = [];
  for (const step of steps) {
    if (step.exit?.kind !== "advance" || step.roleId === null || step.end === null) continue;
    const role = formRoleOf(step.roleId);
    if (!role) continue;
    const span = step.end.getTime() - step.start.getTime();
    if (!writes.some((write) => write.role === role.key))
      writes.push({ role: role.key, roleId: step.roleId, at: new Date(step.start.getTime() + span / 2) });
    if (!INVESTIGATION_SIGNED.includes(step.statusCodeId) && role.signatureCovers.length > 0) {
      const signedAt = new Date(step.end.getTime() - Math.min(10 * 60_000, span / 4));
      signatures.push({ statusCodeId: step.statusCodeId, roleId: step.roleId, at: signedAt });
    }
  }
  return {
    caseId: row.id,
    scenario,
    steps,
    writes,
    draft: false,
    signatures,
    rwoaReason: "",
    cancelReason: "",
  };
}

const FORMAL_BOARD_MEDICAL = 25;

/** The statuses whose signatures sign the investigation (report, legal review, appointing authority review). */
const INVESTIGATION_SIGNED = [21, 22, 23];

function reasonText(reasonId: number): string {
  const reason = ref.reasons.find(([id]) => id === reasonId);
  if (!reason) throw new Error(`no seeded reason ${reasonId}`);
  return reason[2];
}

/** Spreads the statuses evenly from the case's creation to its last update; a final status closes at once. */
function timed(statuses: { statusCodeId: number; exit?: DemoExit }[], row: DemoCaseRow): DemoStep[] {
  const moves = statuses.length - 1;
  const created = row.createdAt.getTime();
  const gap = moves === 0 ? 0 : (row.updatedAt.getTime() - created) / moves;
  return statuses.map((status, index) => {
    const start = new Date(created + index * gap);
    const isLast = index === moves;
    const final = status.statusCodeId === COMPLETE || status.statusCodeId === CANCELLED;
    return {
      statusCodeId: status.statusCodeId,
      roleId: holderOf(status.statusCodeId),
      start,
      end: isLast ? (final ? start : null) : new Date(created + (index + 1) * gap),
      exit: status.exit,
    };
  });
}
