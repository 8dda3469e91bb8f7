import { invalidArgument } from "../../errors.js";
import type { CaseFilter } from "../../gen/ect/v1/case_service_pb.js";
import { CaseState, Module } from "../../gen/ect/v1/resources_pb.js";
import { positiveId } from "../validation.js";
import type { CaseFilterValues } from "./case-queries.js";

/** Validates the filter of ListCases, StreamCases and WatchCases (INVALID_ARGUMENT naming the field). */
export function caseFilterValues(filter: CaseFilter | undefined): CaseFilterValues {
  for (const id of filter?.workStatusIds ?? []) positiveId("filter.work_status_ids", id);
  if (filter?.unitId && filter.unitId < 0)
    throw invalidArgument("filter.unit_id", "must be a positive unit id");
  if (filter?.module && !Object.values(Module).includes(filter.module))
    throw invalidArgument("filter.module", "unknown module");
  return {
    workStatusIds: filter?.workStatusIds ?? [],
    module: filter?.module ?? Module.UNSPECIFIED,
    unitId: filter?.unitId ?? 0,
    waitingOnMyRole: filter?.waitingOnMyRole ?? false,
    state: filter?.state ?? CaseState.UNSPECIFIED,
  };
}
