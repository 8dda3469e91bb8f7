import type { ServiceImpl } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { invalidArgument } from "../../errors.js";
import type { PrintService } from "../../gen/ect/v1/print_service_pb.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { loadPrintedForm } from "./af348-document.js";
import { renderPrintDocument } from "./render-print-document.js";

/** What the print service needs. */
export interface PrintServiceDeps {
  db: Db;
}

/** The case id of a form's resource name, "cases/{id}/form". */
function formCaseId(field: string, name: string): number {
  const match = /^cases\/(\d{1,9})\/form$/.exec(name);
  if (!match || Number(match[1]) < 1)
    throw invalidArgument(field, `must look like "cases/42/form", got "${name}"`);
  return Number(match[1]);
}

/** ect.v1.PrintService: the printed AF 348, rendered on demand and streamed. */
export function printService(deps: PrintServiceDeps): ServiceImpl<typeof PrintService> {
  const { db } = deps;
  return {
    async *printForm(request, context) {
      const caller = callerOf(context);
      const caseId = formCaseId("name", request.name);
      const document = await loadPrintedForm(db, caller, caseId);
      // The print shows the whole case (medical detail included): audited as a full read, like a download.
      await recordAudit(db, {
        entityType: "case",
        entityId: caseId,
        action: "form_printed",
        actor: caller.username,
        after: { read: "form", sections: document.sections.filter((s) => !s.withheld).map((s) => s.title) },
      });
      let first = true;
      for await (const data of renderPrintDocument(document)) {
        if (context.signal.aborted) return;
        yield first ? { contentType: "application/pdf", data } : { data };
        first = false;
      }
    },
  };
}
