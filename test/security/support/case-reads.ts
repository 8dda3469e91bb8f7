import type { DescField, DescMethod, JsonObject } from "@bufbuild/protobuf";
import { caseLookups } from "../../../src/services/workflow/case-lookups.js";
import type { TemplateSegment } from "../../../src/transcoding/path-template.js";
import type { CatalogRpc } from "./rpc-catalog.js";

/** The case a probe points the reads at, and the unique last name its member was given. */
export interface CaseTarget {
  id: number;
  caseNumber: string;
  unitId: number;
  workStatusId: number;
  lockId: number;
  memberLastName: string;
  /** A document of the case, for reads of one document (cases/{case}/documents/{document}). */
  documentId?: number;
}

const caseLookupNames = new Set<string>(caseLookups.map((lookup) => lookup.name));

/**
 * The case-reading RPCs of the catalog: the WorkflowService case lookups of the registry
 * (src/services/workflow/case-lookups.ts) with their stream twins, and every GET RPC whose request names
 * a case (a `cases/*` name, a ref_id/case_id, a CaseFilter).
 */
export function caseReads(catalog: readonly CatalogRpc[]): CatalogRpc[] {
  const namesCase = (field: DescField) =>
    field.name === "ref_id" ||
    field.name === "case_id" ||
    field.message?.typeName === "ect.v1.CaseFilter" ||
    ((field.name === "name" || field.name === "parent") &&
      field.fieldKind === "scalar" &&
      caseNameTemplate(catalog, field.parent.typeName, field.name) !== undefined);
  return catalog.filter((rpc) => {
    const lookupName = rpc.method.localName.replace(/Stream$/, "");
    if (rpc.method.parent.typeName === "workflow.WorkflowService" && caseLookupNames.has(lookupName))
      return true;
    return rpc.routes.some((route) => route.httpMethod === "GET") && rpc.method.input.fields.some(namesCase);
  });
}

/**
 * The segments of the resource name a route binds the message's `name` or `parent` field to, when that name
 * is a case's (cases/{id}, cases/{id}/form); undefined when no route binds it so.
 */
function caseNameTemplate(
  catalog: readonly CatalogRpc[],
  inputTypeName: string,
  fieldName: string,
): readonly TemplateSegment[] | undefined {
  for (const rpc of catalog) {
    if (rpc.method.input.typeName !== inputTypeName) continue;
    for (const route of rpc.routes) {
      const variable = route.template.variables.find(
        (candidate) => candidate.fieldPath.length === 1 && candidate.fieldPath[0] === fieldName,
      );
      if (!variable) continue;
      const segments = route.template.segments.slice(variable.start, variable.end);
      if (segments[0]?.kind === "literal" && segments[0].value === "cases") return segments;
    }
  }
  return undefined;
}

/**
 * The request that points a case read at the target: its case (name, ref_id, case_id), its unit and
 * status (a CaseFilter), or its member's last name (a member search); {} when the read takes none.
 */
export function requestFor(
  catalog: readonly CatalogRpc[],
  method: DescMethod,
  target: CaseTarget,
): JsonObject {
  const request: JsonObject = {};
  const memberSearch = method.input.fields.some((field) => field.name === "ssn");
  for (const field of method.input.fields) {
    if (field.name === "ref_id" || field.name === "case_id") request[field.jsonName] = target.id;
    else if (field.message?.typeName === "ect.v1.CaseFilter")
      request[field.jsonName] = { unitId: target.unitId, workStatusIds: [target.workStatusId] };
    else if (field.name === "last_name" || (field.name === "name" && memberSearch))
      request[field.jsonName] = target.memberLastName;
    else if (field.name === "name" || field.name === "parent") {
      const template = caseNameTemplate(catalog, method.input.typeName, field.name);
      // The first variable is the case; a second one (a document of the case) is the target's document.
      let variables = 0;
      if (template)
        request[field.jsonName] = template
          .map((segment) =>
            segment.kind === "literal"
              ? segment.value
              : String(variables++ === 0 ? target.id : (target.documentId ?? target.id)),
          )
          .join("/");
    }
  }
  return request;
}
