import type { Client } from "@connectrpc/connect";
import type { FormService } from "../../src/gen/ect/v1/form_service_pb.js";

/**
 * Each LOD role's part of the AF 348 as the demo users would fill it over the API (their required fields and
 * their finding), for suites that walk a case through the workflow now that a forward needs it.
 */

/** Who moves an LOD case out of each status, in route order. */
export const route = [
  "medtech",
  "medofficer",
  "unitcc",
  "wingja",
  "wingcc",
  "boardtech",
  "boardmed",
  "boardlegal",
  "approver",
] as const;
export type RouteUser = (typeof route)[number];

/** The seeded role of each demo user on the route. */
export const roleOf: Record<RouteUser, number> = {
  medtech: 2,
  medofficer: 3,
  unitcc: 4,
  wingja: 5,
  wingcc: 6,
  boardtech: 7,
  boardmed: 9,
  boardlegal: 8,
  approver: 11,
};

/** A date `days` before today, as the form takes dates (YYYY-MM-DD). */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** Each role's part of the form, filled as that role would: its section fields, then its finding. */
export const parts: Record<
  RouteUser,
  { section?: Record<string, Record<string, unknown>>; finding?: object }
> = {
  medtech: {
    section: {
      member: { dutyStatus: "inactive_duty_training" },
      medical: {
        natureOfEvent: "injury",
        eventDetails: "Fell from a maintenance stand during the unit training assembly",
        treatmentFacility: "452nd Medical Group clinic",
        treatmentFacilityType: "military",
        treatmentDate: daysAgo(3),
        deathInvolved: false,
        motorVehicleAccident: false,
      },
    },
  },
  medofficer: {
    section: {
      medical: {
        icd10Code: "M54.16",
        diagnosisText: "Lumbar radiculopathy",
        alcoholTestDone: false,
        drugTestDone: false,
        psychiatricEvaluation: false,
        existedPriorToService: false,
        mobilityStandardsMet: true,
      },
    },
  },
  unitcc: {
    section: {
      unit: {
        dutyStatus: "inactive_duty_training",
        dutyFrom: daysAgo(4),
        onOrders: true,
        informationSource: "member",
        circumstances: "Member slipped on a wet stand while inspecting an engine",
        proximateCauseId: 5,
        memberCredible: true,
        travelOccurrence: "not_travelling",
        proofOfStatusVerified: true,
      },
    },
    finding: { finding: "ILOD" },
  },
  wingja: { finding: { concur: true } },
  wingcc: { finding: { finding: "ILOD", concur: true } },
  boardtech: { finding: { finding: "ILOD", concur: true } },
  boardmed: { finding: { finding: "ILOD", concur: true } },
  boardlegal: { finding: { finding: "ILOD", concur: true } },
  approver: { finding: { finding: "ILOD", concur: true } },
};

/** The role fills its part of the form on case `name` ("cases/{id}") through FormService. */
export async function fillPart(
  form: Client<typeof FormService>,
  user: RouteUser,
  name: string,
): Promise<void> {
  const { section, finding } = parts[user];
  if (section) {
    const paths = Object.entries(section).flatMap(([part, fields]) =>
      Object.keys(fields).map((field) => `${part}.${field}`),
    );
    await form.updateForm({ form: { name: `${name}/form`, ...section }, updateMask: { paths } });
  }
  if (finding) await form.recordFinding({ parent: name, finding });
}
