import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import pino from "pino";
import { openDb } from "../src/db/open-db.js";
import type { ManualClock } from "../src/domain/investigation/calendar-clock.js";
import { addDays } from "../src/domain/investigation/suspense.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { ActionKind } from "../src/gen/ect/v1/resources_pb.js";
import { Dispatcher } from "../src/services/notifications/dispatcher.js";
import { ReminderScheduler } from "../src/services/notifications/reminder-scheduler.js";
import { fillPart } from "./support/af348-parts.js";
import { grpcClient, signIn } from "./support/clients.js";
import { type SmtpSink, type SunkMessage, startSmtpSink } from "./support/smtp-sink.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** The medical officer's role: a medical technician's forward notifies its holders. */
const MEDICAL_OFFICER = 3;
const PUBLIC_URL = "https://ect.example.mil";
const MAX_ATTEMPTS = 3;

/** Polls `read` until `done` holds; fails with the last value after `timeoutMs`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** JSON log lines a server writes, kept to search. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(JSON.parse(line));
    },
  };
}

for (const database of testDatabases()) {
  describe(`notification delivery on ${database.name}`, () => {
    let server: TestServer;
    let smtp: SmtpSink;
    let clock: ManualClock;
    const logs = logSink();
    const tokens = new Map<string, string>();
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));
    /** Users the forward must not email: email turned off, inactive, another wing. */
    const prepared = { noEmail: 0, inactive: 0, otherWing: 0 };

    before(async () => {
      smtp = await startSmtpSink();
      server = await startTestServer(
        database.url,
        {
          ECT_SMTP_URL: smtp.url,
          ECT_PUBLIC_URL: PUBLIC_URL,
          ECT_NOTIFY_INTERVAL_MS: "100",
          ECT_NOTIFY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
          // Reminders run only when a test runs them, on the hand-moved calendar.
          ECT_REMINDER_INTERVAL_MS: "86400000",
          ECT_IO_CLOCK: new Date().toISOString().slice(0, 10),
        },
        logs,
      );
      clock = server.config.notifications.clock as ManualClock;
      for (const user of ["medtech", "medofficer"]) tokens.set(user, await signIn(server.url, user));
      // Documents a step requires are another suite's subject: these cases move without them.
      await server.db.query("DELETE FROM required_documents");
      for (const [key, unit, receiveEmail, status] of [
        ["noEmail", 10, false, "active"],
        ["inactive", 10, true, "inactive"],
        ["otherWing", 11, true, "active"],
      ] as const) {
        const { rows } = await server.db.query<{ id: number }>(
          `INSERT INTO users (username, edipin, first_name, last_name, rank, email, work_compo, unit_id, receive_email,
                              account_status)
           VALUES ($1, $2, 'Test', 'Officer', 'Maj', $1 || '@ect.example.mil', '6', $3, $4, $5) RETURNING id`,
          [`n1_mo_${key}`, `99${randomBytes(4).readUInt32BE() % 100_000_000}`, unit, receiveEmail, status],
        );
        prepared[key] = rows[0].id;
        await server.db.query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", [
          rows[0].id,
          MEDICAL_OFFICER,
        ]);
      }
    });
    after(async () => {
      await server?.stop();
      await smtp?.close();
    });

    /** A member of the 729th Airlift Squadron, with what email must never show of them. */
    async function member() {
      const { rows } = await server.db.query<{ id: number; ssn: string; last_name: string }>(
        "SELECT id, ssn, last_name FROM members WHERE unit_id = 102 AND length(last_name) > 3 ORDER BY id LIMIT 1",
      );
      return rows[0];
    }

    /** A new case the medical technician has filled and signed, ready to forward to the medical officer. */
    async function caseReadyToForward(description: string) {
      const created = await cases("medtech").createCase({
        memberId: (await member()).id,
        incidentDescription: description,
      });
      await fillPart(form("medtech"), "medtech", created.name);
      await cases("medtech").signCase({ name: created.name });
      const next = await cases("medtech").getNextActions({ name: created.name });
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance, "the medical technician may forward");
      return {
        name: created.name,
        id: created.id,
        caseNumber: created.caseNumber,
        optionId: advance.optionId,
      };
    }

    const forward = (ready: { name: string; optionId: number }) =>
      cases("medtech").takeAction({ name: ready.name, optionId: ready.optionId });

    const aboutCase = (caseNumber: string) => (message: SunkMessage) => message.subject.includes(caseNumber);

    async function notificationRows(caseId: number) {
      const { rows } = await server.db.query<{
        event: string;
        recipient_user_id: number;
        channel: string;
        state: string;
        attempts: number;
        last_error: string;
        correlation_id: string;
      }>(
        `SELECT event, recipient_user_id, channel, state, attempts, last_error, correlation_id FROM notifications
         WHERE case_id = $1 ORDER BY id`,
        [caseId],
      );
      return rows;
    }

    /** Who should hear of a case reaching a role, by the legacy mailing-list rule (written here independently). */
    async function expectedHolders(caseId: number, roleId: number) {
      const { rows } = await server.db.query<{ id: number; email: string; receive_email: boolean }>(
        `SELECT DISTINCT u.id, u.email, u.receive_email FROM users u
         JOIN user_roles ur ON ur.user_id = u.id AND ur.role_id = $2 AND ur.status = 'approved' AND ur.active
         JOIN unit_tree t ON t.ancestor_id = u.unit_id
         JOIN cases c ON c.unit_id = t.descendant_id AND c.id = $1
         WHERE u.account_status = 'active' ORDER BY u.id`,
        [caseId, roleId],
      );
      return rows;
    }

    it("a forward emails exactly the next role's active, email-receiving holders in the case's chain, with no SSN or medical detail", async () => {
      const description = "Twisted a knee on the flight line stairs";
      const ready = await caseReadyToForward(description);
      await forward(ready);
      const holders = await expectedHolders(ready.id, MEDICAL_OFFICER);
      const emailed = holders.filter((holder) => holder.receive_email && holder.email);
      assert.ok(
        emailed.some((holder) => holder.email === "medofficer@ect.example.mil"),
        "the demo medical officer",
      );
      assert.ok(
        holders.some((holder) => holder.id === prepared.noEmail),
        "in the chain, email off",
      );

      const messages = await smtp.waitFor(aboutCase(ready.caseNumber), emailed.length);
      assert.deepEqual(
        messages.flatMap((message) => message.to).sort(),
        emailed.map((holder) => holder.email).sort(),
        "one email to each holder who receives email, nobody else",
      );
      for (const message of messages) {
        assert.equal(message.subject, `ECT ${ready.caseNumber}: Medical Officer Review needs your action`);
        assert.match(message.raw, /Content-Type: text\/plain/i, "a plain-text part");
        assert.match(message.raw, /Content-Type: text\/html/i, "an HTML part");
        assert.ok(message.decoded.includes(`${PUBLIC_URL}/cases/${ready.id}`), "the link to the case");
      }
      const who = await member();
      for (const message of messages) {
        assert.ok(!message.decoded.includes(who.ssn), "no SSN");
        assert.ok(!message.decoded.includes(who.ssn.slice(-4)), "not even its last four");
        assert.ok(
          !new RegExp(`\\b${who.last_name}\\b`).test(message.decoded),
          "the member's name only masked",
        );
        for (const medical of [
          description,
          "Fell from a maintenance stand",
          "Lumbar radiculopathy",
          "M54.16",
        ])
          assert.ok(!message.decoded.includes(medical), `no medical detail (${medical})`);
      }

      const rows = await notificationRows(ready.id);
      const inApp = rows.filter((row) => row.channel === "in_app").map((row) => row.recipient_user_id);
      assert.deepEqual(
        inApp.sort((a, b) => a - b),
        holders.map((holder) => holder.id),
        "in-app to every active holder",
      );
      assert.ok(!inApp.includes(prepared.inactive) && !inApp.includes(prepared.otherWing));
      assert.ok(rows.every((row) => row.event === "case_arrived" && row.correlation_id !== ""));
      await until(
        () => notificationRows(ready.id),
        (now) => now.filter((row) => row.channel === "email").every((row) => row.state === "sent"),
      );
    });

    it("a move that rolls back leaves nothing in the outbox and sends nothing", async () => {
      const ready = await caseReadyToForward("Cut a hand on sheet metal");
      // The audit row is the move's last write: failing it rolls back the move after its notifications were written.
      await server.db.exec(`
        CREATE FUNCTION n1_fail_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'n1: the move fails after its notifications'; END $$;
        CREATE TRIGGER n1_fail_move BEFORE INSERT ON audit_events FOR EACH ROW
          WHEN (NEW.action = 'move' AND NEW.entity_id = '${ready.id}') EXECUTE FUNCTION n1_fail_move();`);
      try {
        await assert.rejects(forward(ready));
      } finally {
        await server.db.exec("DROP TRIGGER n1_fail_move ON audit_events; DROP FUNCTION n1_fail_move();");
      }
      assert.deepEqual(await notificationRows(ready.id), [], "nothing written");
      // The same move, committed now: its mail arrives, and only one message per recipient (none left from before).
      await forward(ready);
      const emailed = (await expectedHolders(ready.id, MEDICAL_OFFICER)).filter(
        (holder) => holder.receive_email,
      );
      await smtp.waitFor(aboutCase(ready.caseNumber), emailed.length);
      await until(
        () => notificationRows(ready.id),
        (rows) => rows.filter((row) => row.channel === "email").every((row) => row.state === "sent"),
      );
      assert.equal(smtp.messages.filter(aboutCase(ready.caseNumber)).length, emailed.length);
    });

    it("a failing SMTP server gets retries, then the message is dead-lettered with its error and logged with the move's correlation id; the move is not held up", async () => {
      const ready = await caseReadyToForward("Strained a back lifting cargo");
      smtp.failWith = "4.3.0 mailbox busy, try again later";
      try {
        const moved = await forward(ready);
        assert.equal(
          moved.case?.status?.statusCodeId,
          11,
          "the move committed while the mail server refuses",
        );
        const rows = await until(
          () => notificationRows(ready.id),
          (now) =>
            now.some((row) => row.channel === "email") &&
            now.filter((row) => row.channel === "email").every((row) => row.state === "dead"),
        );
        for (const row of rows.filter((r) => r.channel === "email")) {
          assert.equal(row.attempts, MAX_ATTEMPTS, "every attempt made, then no more");
          assert.match(row.last_error, /451|mailbox busy/, "the last error kept");
        }
        assert.ok(
          smtp.refusals.filter((address) => address === "medofficer@ect.example.mil").length >= MAX_ATTEMPTS,
          "the server was tried again",
        );
        const { rows: audit } = await server.db.query<{ correlation_id: string }>(
          "SELECT correlation_id FROM audit_events WHERE entity_type = 'case' AND entity_id = $1 AND action = 'move'",
          [String(ready.id)],
        );
        const correlationId = audit[0].correlation_id;
        assert.equal(rows[0].correlation_id, correlationId, "the outbox keeps the move's correlation id");
        const failures = logs.lines.filter(
          (line) => line.correlationId === correlationId && /notification email/.test(String(line.msg)),
        );
        assert.ok(
          failures.some((line) => line.msg === "notification email failed; will retry"),
          "a line per failure",
        );
        assert.ok(failures.some((line) => line.msg === "notification email dead-lettered"));
      } finally {
        smtp.failWith = undefined;
      }
      assert.equal(smtp.messages.filter(aboutCase(ready.caseNumber)).length, 0, "nothing was delivered");
    });

    it("reminds the holders after 10 days in a status, every 5 days after, escalates from day 20, and never twice a day", async () => {
      const ready = await caseReadyToForward("Sprained an ankle during PT");
      await forward(ready);
      const start = clock.today();
      // Only the rule under test, and only this case at its status: the demo cases would add hundreds of reminders.
      await server.db.query(
        "UPDATE reminder_rules SET active = (kind = 'days_in_status' AND workflow_id = 1 AND status_code_id = 11)",
      );
      await server.db.query("UPDATE cases SET work_status_id = 112 WHERE work_status_id = 111 AND id <> $1", [
        ready.id,
      ]);
      const reminders = async () =>
        (await notificationRows(ready.id)).filter(
          (row) => row.event === "reminder" || row.event === "escalation",
        );
      const scheduler = server.app.notifications.reminders;
      const runOn = async (offset: number) => {
        clock.set(addDays(start, offset));
        await scheduler.runOnce();
        return reminders();
      };
      const holders = await expectedHolders(ready.id, MEDICAL_OFFICER);
      const perRound = holders.length + holders.filter((holder) => holder.receive_email).length;

      assert.equal((await runOn(9)).length, 0, "not before day 10");
      assert.equal((await runOn(10)).length, perRound, "day 10: the holders are reminded");
      assert.equal((await runOn(10)).length, perRound, "not twice on the same day");
      assert.equal((await runOn(14)).length, perRound, "not before the repeat is due");
      // Two schedulers at once (two instances): still one reminder.
      const other = new ReminderScheduler({
        db: server.db,
        clock,
        intervalMs: 86_400_000,
        logger: pino({ level: "silent" }),
      });
      clock.set(addDays(start, 15));
      await Promise.all([scheduler.runOnce(), other.runOnce()]);
      assert.equal((await reminders()).length, 2 * perRound, "day 15: reminded again, once");
      const day20 = await runOn(20);
      const escalations = day20.filter((row) => row.event === "escalation");
      const managers = await expectedHolders(ready.id, 10);
      assert.deepEqual(
        [...new Set(escalations.map((row) => row.recipient_user_id))].sort((a, b) => a - b),
        managers.map((manager) => manager.id),
        "day 20: escalated to the program managers",
      );
      assert.equal(day20.filter((row) => row.event === "reminder").length, 3 * perRound);
      const escalated = await smtp.waitFor(
        (message) => message.subject.startsWith("Overdue:") && message.subject.includes(ready.caseNumber),
      );
      assert.ok(escalated[0].to.includes("lodpm@ect.example.mil"));
      assert.match(escalated[0].subject, /for 20 days/);
      const { rows } = await server.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM reminder_log WHERE case_id = $1",
        [ready.id],
      );
      assert.equal(rows[0].n, 3, "one log row per reminder day");
      clock.set(start);
    });

    it("administrators edit templates and reminder rules over REST (notificationAdmin, audited); bad input names the field; the next move uses the edited text", async () => {
      for (const user of ["lodpm", "unitcc"]) tokens.set(user, await signIn(server.url, user));
      const rest = async (user: string, method: string, path: string, body?: unknown) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${tokens.get(user)}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // biome-ignore lint/suspicious/noExplicitAny: REST answers are read as loose JSON
        return { status: response.status, json: (await response.json()) as any };
      };
      assert.equal((await rest("unitcc", "GET", "/ect/v1/notificationTemplates")).status, 403);
      const listed = await rest("lodpm", "GET", "/ect/v1/notificationTemplates");
      assert.equal(listed.status, 200);
      const arrived = listed.json.templates.find(
        (t: { event: string; statusCodeId?: number }) => t.event === "case_arrived" && !t.statusCodeId,
      );
      const path = `/ect/v1/${arrived.name}`;
      const broken = await rest("lodpm", "PATCH", path, {
        ...arrived,
        bodyText: "{{#caseNumber}} never closed",
      });
      assert.equal(broken.status, 400);
      assert.match(broken.json.message, /template\.body_text/);
      const denied = await rest("unitcc", "PATCH", path, { ...arrived, subject: "x" });
      assert.equal(denied.status, 403);
      const edited = await rest("lodpm", "PATCH", path, {
        ...arrived,
        subject: "Action needed on {{caseNumber}} ({{status}})",
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.json));
      assert.equal(edited.json.updatedBy, "lodpm");
      const { rows: audit } = await server.db.query<{ actor: string }>(
        "SELECT actor FROM audit_events WHERE action = 'notification_template_updated' AND entity_id = $1",
        [arrived.name],
      );
      assert.deepEqual(
        audit.map((row) => row.actor),
        ["lodpm"],
        "the edit is audited",
      );
      try {
        const ready = await caseReadyToForward("Bruised a shoulder loading pallets");
        await forward(ready);
        const [message] = await smtp.waitFor(aboutCase(ready.caseNumber));
        assert.equal(message.subject, `Action needed on ${ready.caseNumber} (Medical Officer Review)`);
      } finally {
        await rest("lodpm", "PATCH", path, arrived);
      }

      const rules = await rest("lodpm", "GET", "/ect/v1/reminderRules");
      const rule = rules.json.rules.find(
        (r: { statusCodeId: number; kind: string }) => r.statusCodeId === 12 && r.kind === "days_in_status",
      );
      const tooLate = await rest("lodpm", "PATCH", `/ect/v1/${rule.name}`, {
        ...rule,
        repeatEveryDays: 5000,
      });
      assert.equal(tooLate.status, 400);
      assert.match(tooLate.json.message, /rule\.repeat_every_days/);
      const changed = await rest("lodpm", "PATCH", `/ect/v1/${rule.name}`, {
        ...rule,
        remindAfterDays: 7,
        escalateAfterDays: undefined,
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.json));
      assert.equal(changed.json.remindAfterDays, 7);
      assert.equal(changed.json.escalateAfterDays, undefined, "escalation turned off");
      assert.equal(changed.json.escalateRoleId ?? 0, 0);
    });

    if (database.url) {
      it("two dispatchers on two pools draining one outbox never send a message twice", {
        timeout: 120_000,
      }, async () => {
        const { rows: users } = await server.db.query<{ id: number }>(
          "SELECT id FROM users WHERE username = 'medofficer'",
        );
        const total = 40;
        await server.db.query(
          `INSERT INTO notifications (event, recipient_user_id, channel, subject, body_text)
           SELECT 'reminder', $1, 'email', 'n1-once-' || i, 'body ' || i FROM generate_series(1, $2) AS i`,
          [users[0].id, total],
        );
        const pools = await Promise.all(
          [1, 2].map(() =>
            openDb({
              databaseUrl: server.config.databaseUrl,
              dataDir: "memory",
              db: { poolMin: 0, poolMax: 4, statementTimeoutMs: 30_000 },
            }),
          ),
        );
        const dispatchers = pools.map(
          (db) =>
            new Dispatcher({
              db,
              smtpUrl: smtp.url,
              from: "ECT <no-reply@ect.invalid>",
              intervalMs: 100,
              maxAttempts: 3,
              logger: pino({ level: "silent" }),
              batchSize: 3,
            }),
        );
        try {
          const left = () =>
            server.db
              .query<{ n: number }>(
                "SELECT count(*)::int AS n FROM notifications WHERE subject LIKE 'n1-once-%' AND state <> 'sent'",
              )
              .then((result) => result.rows[0].n);
          await until(
            async () => {
              await Promise.all(dispatchers.map((dispatcher) => dispatcher.drainOnce()));
              return left();
            },
            (n) => n === 0,
          );
        } finally {
          await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
          await Promise.all(pools.map((db) => db.close()));
        }
        const sent = smtp.messages.filter((message) => message.subject.startsWith("n1-once-"));
        const counts = new Map<string, number>();
        for (const message of sent) counts.set(message.subject, (counts.get(message.subject) ?? 0) + 1);
        assert.equal(counts.size, total, "every message sent");
        assert.deepEqual(
          [...counts.values()].filter((n) => n !== 1),
          [],
          "none sent twice",
        );
      });

      // Bounded: two start-ups of a child that migrates and seeds PostgreSQL, on a shared 2-core machine.
      it("a process killed right after the move commits sends the mail after restart", {
        timeout: 480_000,
      }, async () => {
        const name = `ect_test_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: database.url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        const target = new URL(database.url as string);
        target.pathname = `/${name}`;
        let child: ChildProcess | undefined;
        try {
          // A dispatcher that would wait an hour: nothing is sent before the kill.
          const first = await startChild(target.toString(), smtp.url, "3600000");
          child = first.child;
          const token = await signIn(first.url, "medtech");
          const medtech = grpcClient(first.url, CaseService, token);
          const medtechForm = grpcClient(first.url, FormService, token);
          const probe = new pg.Client({ connectionString: target.toString() });
          await probe.connect();
          try {
            await probe.query("DELETE FROM required_documents");
            const { rows: members } = await probe.query<{ id: number }>(
              "SELECT id FROM members WHERE unit_id = 102 ORDER BY id LIMIT 1",
            );
            const created = await medtech.createCase(
              { memberId: members[0].id, incidentDescription: "Killed-process test" },
              { timeoutMs: 60_000 },
            );
            await fillPart(medtechForm, "medtech", created.name);
            await medtech.signCase({ name: created.name }, { timeoutMs: 60_000 });
            const next = await medtech.getNextActions({ name: created.name }, { timeoutMs: 60_000 });
            const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
            await medtech.takeAction(
              { name: created.name, optionId: advance!.optionId },
              { timeoutMs: 60_000 },
            );
            child.kill("SIGKILL");
            await new Promise((resolve) => child!.once("exit", resolve));
            // The fresh database numbers its cases as the suite's did: only mail sent from now on is this case's.
            const earlier = new Set(smtp.messages);
            const thisCase = (message: SunkMessage) =>
              !earlier.has(message) && message.subject.includes(created.caseNumber);
            const pending = await probe.query<{ state: string }>(
              "SELECT state FROM notifications WHERE case_id = $1 AND channel = 'email'",
              [created.id],
            );
            assert.ok(
              pending.rows.length > 0 && pending.rows.every((row) => row.state === "pending"),
              "committed, unsent",
            );

            child = (await startChild(target.toString(), smtp.url, "100")).child;
            await smtp.waitFor(thisCase, pending.rows.length);
            const sent = await until(
              () =>
                probe
                  .query<{ state: string }>(
                    "SELECT state FROM notifications WHERE case_id = $1 AND channel = 'email'",
                    [created.id],
                  )
                  .then((result) => result.rows),
              (now) => now.every((row) => row.state === "sent"),
            );
            assert.equal(sent.length, pending.rows.length);
          } finally {
            await probe.end();
          }
        } finally {
          // A child killed by a signal keeps exitCode null: signalCode says it is gone.
          if (child && child.exitCode === null && child.signalCode === null) {
            child.kill("SIGKILL");
            await new Promise((resolve) => child!.once("exit", resolve));
          }
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        }
      });
    }
  });
}

/** Starts ECT as a child process on PostgreSQL; resolves with its address once it serves. */
async function startChild(databaseUrl: string, smtpUrl: string, intervalMs: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ECT_DATABASE_URL: databaseUrl,
      ECT_HOST: "127.0.0.1",
      ECT_PORT: "0",
      ECT_LOG_LEVEL: "info",
      ECT_SMTP_URL: smtpUrl,
      ECT_NOTIFY_INTERVAL_MS: intervalMs,
      ECT_REMINDER_INTERVAL_MS: "86400000",
      ECT_DB_POOL_MIN: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ECT did not start within 180 s:\n${output.slice(-4000)}`)),
      180_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`ECT exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
  // Keep draining its output so a full pipe never stalls it.
  child.stdout?.resume();
  child.stderr?.resume();
  return { child, url };
}
