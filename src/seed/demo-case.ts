import type { FormContent } from "../domain/form/form-content.js";
import { type DemoActor, demoActorFor } from "./demo-actors.js";
import { type DemoCasePlan, planDemoCase } from "./demo-case-plan.js";
import { demoFormContent } from "./demo-form-content.js";

/** A seeded LOD case as the database holds it after the seed's insert: status, dates and member snapshot. */
export interface SeededLodCase {
  id: number;
  work_status_id: number;
  created_at: Date;
  updated_at: Date;
  last_name: string;
  first_name: string;
  middle_name: string;
  grade: string;
  rank: string;
  masked_ssn: string;
  unit_id: number;
  unit_name: string;
  pas_code: string;
  component: string;
  /** Why the appointing authority directed a formal investigation; null for a case never directed to one. */
  direct_reason: string | null;
}

/** A seeded case with its plan, its form as far as the plan goes, and who acts for each role on it. */
export interface DemoCase {
  caseId: number;
  plan: DemoCasePlan;
  form: FormContent;
  incident: string;
  determination: string | null;
  actorOf(roleId: number): DemoActor;
}

/** Plans a seeded case and fills its form. */
export function demoCase(row: SeededLodCase, actors: readonly DemoActor[]): DemoCase {
  const createdAt = new Date(row.created_at);
  const plan = planDemoCase({
    id: row.id,
    statusCodeId: row.work_status_id - 100,
    createdAt,
    updatedAt: new Date(row.updated_at),
    formal: row.direct_reason === null ? undefined : { reason: row.direct_reason },
  });
  const { form, incident, determination } = demoFormContent(
    plan,
    {
      lastName: row.last_name,
      firstName: row.first_name,
      middleName: row.middle_name,
      grade: row.grade,
      rank: row.rank,
      maskedSsn: row.masked_ssn,
      unitId: row.unit_id,
      unitName: row.unit_name,
      pasCode: row.pas_code,
      component: row.component,
    },
    createdAt,
  );
  return {
    caseId: row.id,
    plan,
    form,
    incident,
    determination,
    actorOf: (roleId) => demoActorFor(actors, roleId, row.unit_id),
  };
}
