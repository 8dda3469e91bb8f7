import type { HandlerContext } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import type { WorkflowService } from "../../gen/workflow/workflow_pb.js";
import type { RequestOf, ResponseOf } from "./lookup.js";

/** A hand-written unary handler of WorkflowService, given the database. */
export type Handler<K extends keyof typeof WorkflowService.method & string> = (
  db: Db,
  request: RequestOf<K>,
  context: HandlerContext,
) => Promise<ResponseOf<K>>;
