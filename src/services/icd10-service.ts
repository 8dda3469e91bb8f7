import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { invalidArgument } from "../errors.js";
import { Icd10Service, ListIcd10CodesResponseSchema } from "../gen/ect/v1/icd10_service_pb.js";
import { connectHandler } from "../streams/connect-handler.js";
import type { StreamSource } from "../streams/page-source.js";
import { pagedStream } from "../streams/paged-stream.js";
import { parseIcd10Query } from "./icd10/icd10-query.js";
import {
  decodeIcd10PageToken,
  encodeIcd10PageToken,
  type Icd10Row,
  icd10Item,
  icd10KeysetQuery,
} from "./icd10/icd10-search.js";
import { pageSize } from "./validation.js";

/** StreamIcd10Codes: the codes a query matches, in code order, one response per keyset page. */
export const streamIcd10Codes = pagedStream({
  method: Icd10Service.method.streamIcd10Codes,
  batch: "codes",
  read(request) {
    const query = parseIcd10Query(request.query);
    if (request.limit < 0) throw invalidArgument("limit", "must be 0 (all) or more");
    return {
      query: icd10KeysetQuery({ query, billableOnly: request.billableOnly }),
      limit: request.limit,
    };
  },
  item: icd10Item,
});

/** ect.v1.Icd10Service: the ICD-10-CM lookup, by code prefix or words, listed a page at a time or streamed. */
export function icd10Service(source: StreamSource): ServiceImpl<typeof Icd10Service> {
  return {
    async listIcd10Codes(request, context) {
      const query = parseIcd10Query(request.query);
      const size = pageSize("page_size", request.pageSize, 50);
      const after = decodeIcd10PageToken("page_token", request.pageToken);
      // One row more than the page says whether another page follows.
      const { sql, params } = icd10KeysetQuery({ query, billableOnly: request.billableOnly }).page(
        after,
        size + 1,
      );
      const { rows } = await source.db.query<Icd10Row>(sql, params, { signal: context.signal });
      const page = rows.slice(0, size);
      return create(ListIcd10CodesResponseSchema, {
        codes: page.map(icd10Item),
        nextPageToken: rows.length > size ? encodeIcd10PageToken(page[page.length - 1].code) : "",
      });
    },

    streamIcd10Codes: connectHandler(streamIcd10Codes, source),
  };
}
