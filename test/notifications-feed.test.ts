import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import {
  NotificationChannel,
  NotificationService,
  type WatchNotificationsResponse,
} from "../src/gen/ect/v1/notification_service_pb.js";
import { ActionKind } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart, type RouteUser } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { grpcClient, signIn } from "./support/clients.js";
import { fetchFor, parseSse } from "./support/http-streams.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** The longest a live notification may take to arrive: generous for a loaded machine, yet bounded. */
const ARRIVAL_MS = 30_000;
const MEDICAL_OFFICER_ROLE = 3;

/** The next message of a stream, or a failure after `ms`. */
async function nextWithin<T>(iterator: AsyncIterator<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    assert.ok(!result.done, `the stream ended before ${what}`);
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

for (const database of testDatabases()) {
  describe(`in-app notifications on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const users = ["medtech", "medofficer", "unitcc", "wingja", "hqtech", "medtech445", "admin"];
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));
    const feeds = (user: string) => grpcClient(server.url, NotificationService, tokens.get(user));
    let caseName = "";
    let arrived = "";

    /** A REST call as `user`: the HTTP status and the JSON answer. */
    async function rest(user: string, method: string, path: string, body?: unknown) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens.get(user)}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      // biome-ignore lint/suspicious/noExplicitAny: the REST answers are read as loose JSON, field by field
      const json = JSON.parse(text) as any;
      return { status: response.status, text, json };
    }

    /** A Connect-protocol JSON call as `user`. */
    async function connectCall(user: string, method: string, body: unknown) {
      const response = await fetch(`${server.url}/ect.v1.NotificationService/${method}`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get(user)}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the Connect answers are read as loose JSON
      return { status: response.status, json: (await response.json()) as any };
    }

    before(async () => {
      server = await startTestServer(database.url);
      for (const user of users) tokens.set(user, await signIn(server.url, user));
    });
    after(async () => server?.stop());

    async function forward(user: RouteUser, name: string) {
      await fillPart(form(user), user, name);
      const before = await cases(user).getNextActions({ name });
      if (!before.signedByCaller) await cases(user).signCase({ name });
      const next = await cases(user).getNextActions({ name });
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance, `${user} may forward`);
      await cases(user).takeAction({ name, optionId: advance.optionId });
    }

    it("a move puts an in-app notification in the next holder's feed, and the watch opened before it delivers it", async () => {
      const watchAbort = new AbortController();
      const watch = feeds("medofficer")
        .watchNotifications({}, { signal: watchAbort.signal })
        [Symbol.asyncIterator]();
      // Another wing's technician watches too: a watch carries its own user's notifications only.
      const bystander = feeds("medtech445")
        .watchNotifications({}, { signal: watchAbort.signal })
        [Symbol.asyncIterator]();
      try {
        await nextWithin(bystander, ARRIVAL_MS, "the bystander's first watch message");
        const first = await nextWithin(watch, ARRIVAL_MS, "the first watch message");
        assert.equal(first.notifications.length, 0, "the first message carries only the count");
        const startCount = first.unreadCount;

        const { rows } = await server.db.query<{ id: number; ssn: string }>(
          "SELECT id, ssn FROM members WHERE unit_id = 10 ORDER BY id LIMIT 1",
        );
        const created = await cases("medtech").createCase({
          memberId: rows[0].id,
          incidentDescription: "Twisted an ankle on the flight line during the UTA",
        });
        caseName = created.name;
        await forward("medtech", caseName);

        // The watch delivers it, bounded.
        let message: WatchNotificationsResponse | undefined;
        const deadline = Date.now() + ARRIVAL_MS;
        while (!message?.notifications.some((item) => item.case === caseName)) {
          message = await nextWithin(watch, Math.max(1, deadline - Date.now()), "the new notification");
        }
        const live = message.notifications.find((item) => item.case === caseName)!;
        assert.equal(live.event, "case_arrived");
        assert.equal(live.read, false);
        assert.equal(live.link, `/${caseName}`);
        assert.equal(live.caseNumber, created.caseNumber);
        assert.ok(message.unreadCount > startCount, "the count rises with it");
        const text = `${live.subject} ${live.body}`;
        assert.ok(!text.includes(rows[0].ssn), "no SSN in the notification");
        arrived = live.name;
        // The bystander's watch stays quiet about it (read until it has been quiet for a while).
        for (;;) {
          const heard = await nextWithin(bystander, 1500, "more").catch(() => undefined);
          if (!heard) break;
          assert.ok(
            !heard.notifications.some((item) => item.case === caseName || item.name === arrived),
            "another user's watch never carries the medical officer's notification",
          );
        }
      } finally {
        watchAbort.abort();
        await watch.return?.();
        await bystander.return?.();
      }

      // The feed lists it newest first with the unread count.
      const feed = await feeds("medofficer").listNotifications({});
      assert.equal(feed.notifications[0]?.name, arrived);
      assert.ok(feed.unreadCount >= 1);

      // Nobody else's feed has it: not the actor, not other roles, not another wing.
      for (const user of ["medtech", "unitcc", "wingja", "hqtech", "medtech445", "admin"]) {
        const other = await feeds(user).listNotifications({ pageSize: 200 });
        assert.ok(
          !other.notifications.some((item) => item.case === caseName),
          `${user}'s feed has no notification of ${caseName}`,
        );
      }
      // Every in-app row of the case went to a holder of the Medical Officer role.
      const recipients = await server.db.query<{ role_id: number | null }>(
        `SELECT u.current_role_id AS role_id FROM notifications n JOIN users u ON u.id = n.recipient_user_id
         WHERE n.case_id = $1 AND n.channel = 'in_app'`,
        [caseName.split("/")[1]],
      );
      assert.ok(recipients.rows.length >= 1);
      for (const row of recipients.rows) assert.equal(row.role_id, MEDICAL_OFFICER_ROLE);
    });

    it("marks the caller's own notification read and refuses anyone else's as not found, on every protocol", async () => {
      assert.ok(arrived, "the first test left a notification");
      const before = await feeds("medofficer").listNotifications({ unreadOnly: true });
      assert.ok(before.notifications.some((item) => item.name === arrived));

      // Someone else's id is not revealed: gRPC, Connect and REST all answer NOT_FOUND.
      await rejects(feeds("unitcc").markNotificationRead({ name: arrived }), Code.NotFound);
      const connectDenied = await connectCall("unitcc", "MarkNotificationRead", { name: arrived });
      assert.equal(connectDenied.status, 404);
      const restDenied = await rest("unitcc", "POST", `/ect/v1/${arrived}:markRead`, {});
      assert.equal(restDenied.status, 404, restDenied.text);
      const stillUnread = await feeds("medofficer").listNotifications({ unreadOnly: true });
      assert.ok(
        stillUnread.notifications.some((item) => item.name === arrived),
        "still unread",
      );

      // A malformed name is INVALID_ARGUMENT naming the field.
      const bad = await rest("medofficer", "POST", "/ect/v1/notifications/abc:markRead", {});
      assert.equal(bad.status, 400, bad.text);
      assert.match(bad.text, /name/);

      const marked = await rest("medofficer", "POST", `/ect/v1/${arrived}:markRead`, {});
      assert.equal(marked.status, 200, marked.text);
      assert.equal(marked.json.notification.read, true);
      assert.equal(marked.json.unreadCount ?? 0, before.unreadCount - 1);
      const again = await feeds("medofficer").markNotificationRead({ name: arrived });
      assert.equal(again.unreadCount, before.unreadCount - 1, "marking it again changes nothing");
      assert.equal(again.notification?.read, true);
      const after = await feeds("medofficer").listNotifications({ unreadOnly: true });
      assert.ok(!after.notifications.some((item) => item.name === arrived), "no longer in the unread feed");
      assert.equal(after.unreadCount, before.unreadCount - 1);

      // REST lists the feed too.
      const listed = await rest("medofficer", "GET", "/ect/v1/notifications?pageSize=1");
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.json.notifications.length, 1);
      const bigPage = await rest("medofficer", "GET", "/ect/v1/notifications?pageSize=5000");
      assert.equal(bigPage.status, 400);
      assert.match(bigPage.text, /page_size/);
    });

    it("serves the watch over REST as server-sent events, starting with the unread count", async () => {
      const response = await fetchFor(
        `${server.url}/ect/v1/notifications:watch`,
        { headers: { authorization: `Bearer ${tokens.get("medofficer")}`, accept: "text/event-stream" } },
        1500,
      );
      assert.equal(response.status, 200);
      const frames = parseSse(response.text).filter((frame) => frame.data !== "");
      assert.ok(frames.length >= 1, response.text);
      const first = JSON.parse(frames[0].data) as { unreadCount?: number };
      const count = (await feeds("medofficer").listNotifications({})).unreadCount;
      assert.equal(first.unreadCount ?? 0, count);
    });

    it("lists what was sent for a case, by name and role and never by address, only to users who see the case", async () => {
      assert.ok(caseName, "the first test made a case");
      const log = await feeds("unitcc").listCaseNotifications({ parent: caseName });
      assert.match(log.caseNumber, /^\d{8}-\d+$/);
      const inApp = log.notifications.filter((item) => item.channel === NotificationChannel.IN_APP);
      assert.ok(inApp.some((item) => item.recipientUsername === "medofficer"));
      const medofficer = inApp.find((item) => item.recipientUsername === "medofficer")!;
      assert.equal(medofficer.recipientName, "Maj David Chen");
      assert.equal(medofficer.recipientRole, "Medical Officer");
      assert.equal(medofficer.event, "case_arrived");
      assert.ok(medofficer.createTime);

      const restLog = await rest("unitcc", "GET", `/ect/v1/${caseName}/notifications`);
      assert.equal(restLog.status, 200, restLog.text);
      assert.ok(restLog.json.notifications.length >= 1);
      assert.doesNotMatch(restLog.text, /@/, "no email address in the case log");
      for (const item of restLog.json.notifications) assert.equal(item.lastError ?? "", "");

      // Outside the caller's units the case is not revealed: gRPC, Connect and REST.
      await rejects(feeds("medtech445").listCaseNotifications({ parent: caseName }), Code.NotFound);
      const connectDenied = await connectCall("medtech445", "ListCaseNotifications", { parent: caseName });
      assert.equal(connectDenied.status, 404);
      const restDenied = await rest("medtech445", "GET", `/ect/v1/${caseName}/notifications`);
      assert.equal(restDenied.status, 404);
      // Bad input names its field.
      for (const [request, field] of [
        [{ parent: "cases/x" }, /parent/],
        [{ parent: caseName, pageSize: 5000 }, /page_size/],
        [{ parent: caseName, pageToken: "not-a-token" }, /page_token/],
      ] as const)
        await rejects(feeds("unitcc").listCaseNotifications(request), Code.InvalidArgument, field);
      const restBad = await rest("unitcc", "GET", `/ect/v1/${caseName}/notifications?pageSize=5000`);
      assert.equal(restBad.status, 400);
      // HQ sees every unit's cases.
      const hq = await feeds("hqtech").listCaseNotifications({ parent: caseName });
      assert.equal(hq.notifications.length, log.notifications.length);

      // A delivery error is for operators: the administrator reads it, a case worker does not.
      await server.db.query("UPDATE notifications SET last_error = 'SMTP 451 try later' WHERE case_id = $1", [
        caseName.split("/")[1],
      ]);
      const operator = await feeds("admin").listCaseNotifications({ parent: caseName });
      assert.ok(operator.notifications.every((item) => item.lastError === "SMTP 451 try later"));
      const worker = await feeds("unitcc").listCaseNotifications({ parent: caseName });
      assert.ok(worker.notifications.every((item) => item.lastError === ""));
    });

    it("shows how long a case has sat in its status on the case", async () => {
      const got = await cases("medofficer").getCase({ name: caseName });
      assert.equal(got.daysInStatus, 0);
      assert.equal(got.statusOverdue, false);
      assert.ok(got.statusStartTime);
      // Eleven days ago the case arrived: past the legacy 10 days, it is overdue.
      await server.db.query(
        "UPDATE tracking SET start_time = now() - interval '11 days' WHERE id = (SELECT max(id) FROM tracking WHERE case_id = $1)",
        [caseName.split("/")[1]],
      );
      const late = await cases("medofficer").getCase({ name: caseName });
      assert.equal(late.daysInStatus, 11);
      assert.equal(late.statusOverdue, true);
    });
  });
}
