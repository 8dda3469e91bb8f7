import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const CREATE_CASE = "/ect.v1.CaseService/CreateCase";
const ACTIVE_CASES = "/workflow.WorkflowService/GetActiveCases";
const ACTIVE_CASES_STREAM = "/workflow.WorkflowService/GetActiveCasesStream";
/** Integers protobuf-es's fromJson would read (as 16, 5, 10, 1) but ECT must refuse. */
const NOT_DECIMAL = ['"0x10"', '"0b101"', '"1e1"', '"1.5"', "1.5"];

function envelope(json: string): Uint8Array<ArrayBuffer> {
  const body = new TextEncoder().encode(json);
  const framed = new Uint8Array(5 + body.length);
  new DataView(framed.buffer).setUint32(1, body.length);
  framed.set(body, 5);
  return framed;
}

/** The JSON texts of a Connect stream reply; the last is the end-of-stream message. */
function envelopes(body: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at + 5 <= body.length; at += 5 + body.readUInt32BE(at + 1)) {
    out.push(body.subarray(at + 5, at + 5 + body.readUInt32BE(at + 1)).toString());
  }
  return out;
}

describe("Connect JSON requests take only decimal integers", () => {
  let server: TestServer;
  let token: string;
  let memberId: number;

  before(async () => {
    server = await startTestServer(undefined);
    token = await signIn(server.url, "medtech");
    const [batch] = await collect(grpcClient(server.url, MemberService, token).searchMembers({ query: "a" }));
    memberId = batch.members[0].id;
  });
  after(async () => server?.stop());

  const post = (path: string, contentType: string, body: string | Uint8Array<ArrayBuffer>) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": contentType, authorization: `Bearer ${token}` },
      body,
    });

  for (const raw of NOT_DECIMAL) {
    it(`a unary call with memberId ${raw} is INVALID_ARGUMENT naming member_id, HTTP 400`, async () => {
      const response = await post(
        CREATE_CASE,
        "application/json",
        `{"memberId":${raw},"incidentDescription":"x"}`,
      );
      assert.equal(response.status, 400);
      const error = (await response.json()) as { code: string; message: string };
      assert.equal(error.code, "invalid_argument");
      assert.match(error.message, /^member_id: must be a decimal integer/);
    });
  }

  it("a unary call takes memberId as a decimal string or a number", async () => {
    for (const id of [`"${memberId}"`, `${memberId}`]) {
      const response = await post(
        CREATE_CASE,
        "application/json",
        `{"memberId":${id},"incidentDescription":"Sprain"}`,
      );
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(((await response.json()) as { member: { id: number } }).member.id, memberId);
    }
  });

  it('a unary lookup answers refId 5 and refId "5" alike, and refuses refId "0b101"', async () => {
    const [asNumber, asString, asBinary] = await Promise.all(
      ['{"refId":5}', '{"refId":"5"}', '{"refId":"0b101"}'].map((body) =>
        post(ACTIVE_CASES, "application/json", body),
      ),
    );
    assert.equal(asNumber.status, 200);
    assert.deepEqual(await asString.json(), await asNumber.json());
    assert.equal(asBinary.status, 400);
    assert.match(((await asBinary.json()) as { message: string }).message, /^ref_id: /);
  });

  it('a Connect JSON stream ends with invalid_argument naming ref_id, and streams refId "5" as 5', async () => {
    const refused = await post(ACTIVE_CASES_STREAM, "application/connect+json", envelope('{"refId":"0x10"}'));
    const [end, ...rest] = envelopes(Buffer.from(await refused.arrayBuffer()));
    assert.deepEqual(rest, [], "nothing but the end-of-stream message");
    const { error } = JSON.parse(end) as { error: { code: string; message: string } };
    assert.equal(error.code, "invalid_argument");
    assert.match(error.message, /^ref_id: must be a decimal integer/);

    const streams = await Promise.all(
      ['{"refId":5}', '{"refId":"5"}'].map(async (json) =>
        envelopes(
          Buffer.from(
            await (await post(ACTIVE_CASES_STREAM, "application/connect+json", envelope(json))).arrayBuffer(),
          ),
        ),
      ),
    );
    assert.equal(streams[0].at(-1), "{}", "the stream ends without an error");
    assert.ok(streams[0].length > 1, "the seeded reference id 5 has open cases");
    assert.deepEqual(streams[1], streams[0]);
  });
});
