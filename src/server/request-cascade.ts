import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code } from "@connectrpc/connect";
import type { Logger } from "pino";
import { writeJson } from "../transcoding/http-io.js";
import { statusJson } from "../transcoding/status-mapping.js";

/** A request as either HTTP version delivers it. */
export type HttpRequest = IncomingMessage | Http2ServerRequest;
/** A response for either HTTP version. */
export type HttpResponse = ServerResponse | Http2ServerResponse;

/**
 * One step of the request cascade: answers the request (true) or leaves it, untouched but for headers
 * every answer shares, to the next stage (false). A stage that needs to look at the request
 * asynchronously returns a promise; the others stay synchronous, so the RPC paths pay no microtask.
 */
export type Stage = (req: HttpRequest, res: HttpResponse) => boolean | Promise<boolean>;

/** A stage with the name its failures are logged under. */
export interface NamedStage {
  readonly name: string;
  readonly handle: Stage;
}

/**
 * The server's one request handler: runs `stages` in order until one answers. A stage that throws or
 * rejects answers 500 with the google.rpc.Status body (its error is logged, never sent); a request no
 * stage answers is a 404 with the same body, so a cascade always answers.
 */
export function cascade(
  stages: readonly NamedStage[],
  logger: Pick<Logger, "error">,
): (req: HttpRequest, res: HttpResponse) => void {
  const fail = (stage: NamedStage, res: HttpResponse, error: unknown) => {
    logger.error({ err: error, stage: stage.name }, "request stage failed");
    if (res.headersSent) {
      // Half an answer is on the wire: only a cut connection tells the client it is incomplete.
      res.destroy();
      return;
    }
    writeJson(res, 500, statusJson(Code.Internal, "internal error"));
  };
  const run = (req: HttpRequest, res: HttpResponse, from: number): void => {
    for (let i = from; i < stages.length; i++) {
      const stage = stages[i];
      let answered: boolean | Promise<boolean>;
      try {
        answered = stage.handle(req, res);
      } catch (error) {
        fail(stage, res, error);
        return;
      }
      if (answered === true) return;
      if (answered !== false) {
        answered.then(
          (done) => {
            if (!done) run(req, res, i + 1);
          },
          (error: unknown) => fail(stage, res, error),
        );
        return;
      }
    }
    if (!res.headersSent)
      writeJson(res, 404, statusJson(Code.NotFound, `no route for ${req.method} ${req.url}`));
    else res.end();
  };
  return (req, res) => run(req, res, 0);
}
