import type { ServiceImpl } from "@connectrpc/connect";
import { invalidArgument } from "../errors.js";
import { MemberService } from "../gen/ect/v1/member_service_pb.js";
import { connectHandler } from "../streams/connect-handler.js";
import type { StreamSource } from "../streams/page-source.js";
import { pagedStream } from "../streams/paged-stream.js";
import { callerOf } from "./call-caller.js";
import { text } from "./validation.js";

interface MemberRow {
  id: number;
  masked_ssn: string;
  last_name: string;
  first_name: string;
  middle_name: string;
  grade: string;
  date_of_birth: string;
  unit_id: number;
  unit_name: string;
  pas_code: string;
}

/** SearchMembers: members of the caller's units by last-name prefix or SSN last four, one response per page. */
export const searchMembers = pagedStream({
  method: MemberService.method.searchMembers,
  batch: "members",
  read(request, context) {
    const caller = callerOf(context);
    const query = text("query", request.query, { min: 1, max: 64 });
    if (request.limit < 0 || request.limit > 10_000) throw invalidArgument("limit", "must be 0–10000");
    const bySsn = /^\d{4}$/.test(query);
    if (!bySsn && !/^[A-Za-z' -]+$/.test(query)) {
      throw invalidArgument("query", "a last-name prefix (letters) or the last four SSN digits");
    }
    const prefix = `${query.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
    const condition = bySsn ? "right(m.ssn, 4) = $1" : "lower(m.last_name) LIKE $1";
    return {
      query: {
        page: (after: number | undefined, limit: number) => ({
          sql: `SELECT m.id, masked_ssn(m.ssn) AS masked_ssn, m.last_name, m.first_name, m.middle_name, m.grade, m.date_of_birth,
                       m.unit_id, u.name AS unit_name, u.pas_code
                FROM members m JOIN units u ON u.id = m.unit_id
                WHERE ${condition} AND m.id > $2
                  AND m.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $3)
                ORDER BY m.id LIMIT $4`,
          params: [bySsn ? query : prefix, after ?? 0, caller.unitId, limit],
        }),
        keyOf: (row: MemberRow) => row.id,
      },
      limit: request.limit || 500,
    };
  },
  item: (row: MemberRow) => ({
    id: row.id,
    maskedSsn: row.masked_ssn,
    lastName: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    grade: row.grade,
    dateOfBirth: row.date_of_birth,
    unit: { id: row.unit_id, name: row.unit_name, pasCode: row.pas_code },
  }),
});

/** ect.v1.MemberService: streamed member search for starting a case. */
export function memberService(source: StreamSource): ServiceImpl<typeof MemberService> {
  return { searchMembers: connectHandler(searchMembers, source) };
}
