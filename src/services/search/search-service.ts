import type { ServiceImpl } from "@connectrpc/connect";
import type { SearchService } from "../../gen/ect/v1/search_service_pb.js";
import { connectHandler } from "../../streams/connect-handler.js";
import type { StreamSource } from "../../streams/page-source.js";
import { listMemberCases } from "./member-cases.js";
import { searchCases } from "./search-cases.js";

/** ect.v1.SearchService: case search and a member's LOD history, both streamed a keyset page at a time. */
export function searchService(source: StreamSource): ServiceImpl<typeof SearchService> {
  return {
    searchCases: connectHandler(searchCases, source),
    listMemberCases: connectHandler(listMemberCases, source),
  };
}

/** The paged streams of SearchService, for the page-framed gRPC path (PAGED_STREAMS). */
export const searchStreams = [searchCases, listMemberCases] as const;
