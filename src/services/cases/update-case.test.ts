import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { UpdateCaseRequestSchema } from "../../gen/ect/v1/case_service_pb.js";
import { CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import { type CaseChange, CaseEvents } from "./case-events.js";
import { caseRowFixture } from "./case-row.test-support.js";
import { updateCase } from "./update-case.js";

const caller: Caller = {
  userId: 7,
  username: "medtech",
  roleId: 1,
  roleName: "Medical Technician",
  unitId: 10,
  permissions: new Set(["lodEdit"]),
};

const updated = caseRowFixture({
  work_status_id: 111,
  status_code_id: 11,
  status_description: "Medical Technician Review",
  holder_role_id: 1,
  holder_role_name: "Medical Technician",
  incident_description: "Twisted an ankle on the flight line",
  version: 2,
});

/** A database whose transaction commits with `updated` as its result, or fails with `failure`. */
function database(failure?: Error) {
  let transactions = 0;
  const db = {
    async transaction() {
      transactions++;
      if (failure) throw failure;
      return updated;
    },
  } as unknown as Db;
  return { db, transactions: () => transactions };
}

function watched() {
  const events = new CaseEvents();
  const seen: CaseChange[] = [];
  events.subscribe((change) => seen.push(change));
  return { events, seen };
}

const request = (paths: string[], incidentDescription = "Twisted an ankle on the flight line") =>
  create(UpdateCaseRequestSchema, {
    case: { name: "cases/1", incidentDescription },
    updateMask: create(FieldMaskSchema, { paths }),
  });

const invalid = (field: string) => (error: ConnectError) => {
  assert.equal(error.code, Code.InvalidArgument);
  assert.match(error.rawMessage, new RegExp(`^${field}:`));
  return true;
};

describe("UpdateCase", () => {
  it("publishes the change once its transaction committed, as the caller's", async () => {
    const { db } = database();
    const { events, seen } = watched();
    const answer = await updateCase({ db, events }, caller, request(["incident_description"]));
    assert.equal(answer.incidentDescription, "Twisted an ankle on the flight line");
    assert.equal(seen.length, 1);
    assert.equal(seen[0].type, CaseEventType.UPDATED);
    assert.equal(seen[0].row, updated);
    assert.equal(seen[0].actor, "medtech");
  });

  it("publishes nothing when the transaction fails", async () => {
    const { db } = database(new Error("rolled back"));
    const { events, seen } = watched();
    await assert.rejects(
      updateCase({ db, events }, caller, request(["incident_description"])),
      /rolled back/,
    );
    assert.deepEqual(seen, []);
  });

  it("refuses a request without a case, an empty mask, a field it cannot change or an empty description, before any write", async () => {
    const { db, transactions } = database();
    const { events, seen } = watched();
    const update = (body: ReturnType<typeof request>) => updateCase({ db, events }, caller, body);
    await assert.rejects(update(create(UpdateCaseRequestSchema, {})), invalid("case"));
    await assert.rejects(update(request([])), invalid("update_mask"));
    await assert.rejects(update(request(["member_id"])), (error: ConnectError) => {
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /^update_mask: "member_id" cannot be changed/);
      return true;
    });
    await assert.rejects(update(request(["incident_description"], "")), invalid("case.incident_description"));
    assert.equal(transactions(), 0);
    assert.deepEqual(seen, []);
  });
});
