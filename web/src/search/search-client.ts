import { createClient } from "@connectrpc/connect";
import { SearchService, SearchSort } from "../../../src/gen/ect/v1/search_service_pb.js";
import { transport } from "../api.js";

/** The SearchService client of the search and member history pages, on the app's one transport. */
export const searchClient = createClient(SearchService, transport);

/** The search form as the page holds it (strings as typed; empty means unset). */
export interface SearchValues {
  query: string;
  reason: string;
  state: number;
  module: number;
  formal: "" | "formal" | "informal";
  determination: string;
  unitId: string;
  createdFrom: string;
  createdTo: string;
  completedFrom: string;
  completedTo: string;
  myCases: boolean;
  overdue: boolean;
  sort: SearchSort;
}

/** An empty search: every case in the caller's units, newest first. */
export const emptySearch: SearchValues = {
  query: "",
  reason: "",
  state: 0,
  module: 0,
  formal: "",
  determination: "",
  unitId: "",
  createdFrom: "",
  createdTo: "",
  completedFrom: "",
  completedTo: "",
  myCases: false,
  overdue: false,
  sort: SearchSort.UNSPECIFIED,
};

/** Whether the box holds a full SSN, which needs a reason (and the ssnSearch permission). */
export function isFullSsn(query: string): boolean {
  return /^\d{3}-?\d{2}-?\d{4}$/.test(query.trim());
}

/** The SearchCasesRequest of the form, in proto3 JSON (the REST body) and as RPC init fields alike. */
export function searchRequest(values: SearchValues) {
  return {
    query: values.query.trim(),
    reason: isFullSsn(values.query) ? values.reason.trim() : "",
    sort: values.sort,
    filter: {
      state: values.state,
      module: values.module,
      ...(values.formal && { formal: values.formal === "formal" }),
      determination: values.determination,
      unitId: Number(values.unitId) || 0,
      createdFrom: values.createdFrom,
      createdTo: values.createdTo,
      completedFrom: values.completedFrom,
      completedTo: values.completedTo,
      myCases: values.myCases,
      overdue: values.overdue,
    },
  };
}
