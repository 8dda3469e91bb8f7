import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Db, Queryable } from "../../db/db.js";
import { invalidArgument, notFound } from "../../errors.js";
import {
  ListNotificationTemplatesResponseSchema,
  ListReminderRulesResponseSchema,
  type NotificationSettingsService,
  type NotificationTemplate,
  NotificationTemplateSchema,
  type ReminderRule,
  ReminderRuleSchema,
} from "../../gen/ect/v1/notification_settings_service_pb.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { resourceId, text } from "../validation.js";
import { templateSyntaxError } from "./notification-templates.js";

interface TemplateRow {
  id: number;
  event: string;
  status_code_id: number | null;
  status: string | null;
  subject: string;
  body_text: string;
  body_html: string;
  updated_by: string | null;
  updated_at: Date;
}

const TEMPLATES = `
  SELECT t.id, t.event, t.status_code_id, sc.description AS status, t.subject, t.body_text, t.body_html,
         u.username AS updated_by, t.updated_at
  FROM notification_templates t LEFT JOIN status_codes sc ON sc.id = t.status_code_id
  LEFT JOIN users u ON u.id = t.updated_by`;

const templateOf = (row: TemplateRow): NotificationTemplate =>
  create(NotificationTemplateSchema, {
    name: `notificationTemplates/${row.id}`,
    event: row.event,
    statusCodeId: row.status_code_id ?? 0,
    status: row.status ?? "",
    subject: row.subject,
    bodyText: row.body_text,
    bodyHtml: row.body_html,
    updatedBy: row.updated_by ?? "",
    updateTime: timestampFromDate(row.updated_at),
  });

interface RuleRow {
  id: number;
  kind: string;
  workflow_id: number;
  status_code_id: number;
  status: string;
  role_id: number;
  role_name: string;
  remind_after_days: number;
  repeat_every_days: number;
  escalate_after_days: number | null;
  escalate_role_id: number | null;
  escalate_role_name: string | null;
  template_event: string;
  active: boolean;
  updated_by: string | null;
  updated_at: Date;
}

const RULES = `
  SELECT r.id, r.kind, r.workflow_id, r.status_code_id, sc.description AS status, r.role_id, ro.name AS role_name,
         r.remind_after_days, r.repeat_every_days, r.escalate_after_days, r.escalate_role_id,
         er.name AS escalate_role_name, r.template_event, r.active, u.username AS updated_by, r.updated_at
  FROM reminder_rules r JOIN status_codes sc ON sc.id = r.status_code_id JOIN roles ro ON ro.id = r.role_id
  LEFT JOIN roles er ON er.id = r.escalate_role_id LEFT JOIN users u ON u.id = r.updated_by`;

const ruleOf = (row: RuleRow): ReminderRule =>
  create(ReminderRuleSchema, {
    name: `reminderRules/${row.id}`,
    kind: row.kind,
    workflowId: row.workflow_id,
    statusCodeId: row.status_code_id,
    status: row.status,
    roleId: row.role_id,
    roleName: row.role_name,
    remindAfterDays: row.remind_after_days,
    repeatEveryDays: row.repeat_every_days,
    escalateAfterDays: row.escalate_after_days ?? undefined,
    escalateRoleId: row.escalate_role_id ?? 0,
    escalateRoleName: row.escalate_role_name ?? "",
    templateEvent: row.template_event,
    active: row.active,
    updatedBy: row.updated_by ?? "",
    updateTime: timestampFromDate(row.updated_at),
  });

/** A template part: within bounds and a template mustache can parse (else INVALID_ARGUMENT naming it). */
function templatePart(field: string, value: string, max: number): string {
  const checked = text(field, value, { min: 1, max });
  const error = templateSyntaxError(checked);
  if (error) throw invalidArgument(field, `not a valid template: ${error}`);
  return checked;
}

/** Days within the rule's bounds. */
function days(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > 3650)
    throw invalidArgument(field, `must be a whole number of days from ${min} to 3650`);
  return value;
}

async function loadTemplate(db: Queryable, id: number): Promise<TemplateRow> {
  const { rows } = await db.query<TemplateRow>(`${TEMPLATES} WHERE t.id = $1`, [id]);
  if (!rows[0]) throw notFound("notification template", `notificationTemplates/${id}`);
  return rows[0];
}

async function loadRule(db: Queryable, id: number): Promise<RuleRow> {
  const { rows } = await db.query<RuleRow>(`${RULES} WHERE r.id = $1`, [id]);
  if (!rows[0]) throw notFound("reminder rule", `reminderRules/${id}`);
  return rows[0];
}

/**
 * ect.v1.NotificationSettingsService: the administrator's view of the notification templates and reminder rules.
 * Each update is one transaction with its audit row (entity "workflow", the resource name as id, before and
 * after), so what was changed, by whom and from what is on the audit trail.
 */
export function notificationSettingsService(deps: {
  db: Db;
}): ServiceImpl<typeof NotificationSettingsService> {
  return {
    async listNotificationTemplates(_request, context) {
      const { rows } = await deps.db.query<TemplateRow>(
        `${TEMPLATES} ORDER BY t.event, t.status_code_id NULLS FIRST, t.id`,
        [],
        { signal: context.signal },
      );
      return create(ListNotificationTemplatesResponseSchema, { templates: rows.map(templateOf) });
    },

    async updateNotificationTemplate(request, context) {
      const caller = callerOf(context);
      const template = request.template;
      if (!template) throw invalidArgument("template", "required");
      const id = resourceId("template.name", template.name, "notificationTemplates");
      const subject = templatePart("template.subject", template.subject, 200);
      if (/[\r\n]/.test(subject)) throw invalidArgument("template.subject", "must be one line");
      const bodyText = templatePart("template.body_text", template.bodyText, 10_000);
      const bodyHtml = templatePart("template.body_html", template.bodyHtml, 20_000);
      const row = await deps.db.transaction(async (tx) => {
        const before = await loadTemplate(tx, id);
        await tx.query(
          `UPDATE notification_templates SET subject = $2, body_text = $3, body_html = $4, updated_by = $5,
             updated_at = now() WHERE id = $1`,
          [id, subject, bodyText, bodyHtml, caller.userId],
        );
        await recordAudit(tx, {
          entityType: "notification_template",
          entityId: `notificationTemplates/${id}`,
          action: "notification_template_updated",
          actor: caller.username,
          before: { subject: before.subject, bodyText: before.body_text, bodyHtml: before.body_html },
          after: { event: before.event, statusCodeId: before.status_code_id, subject, bodyText, bodyHtml },
        });
        return loadTemplate(tx, id);
      });
      return templateOf(row);
    },

    async listReminderRules(_request, context) {
      const { rows } = await deps.db.query<RuleRow>(
        `${RULES} ORDER BY r.workflow_id, r.status_code_id, r.id`,
        [],
        {
          signal: context.signal,
        },
      );
      return create(ListReminderRulesResponseSchema, { rules: rows.map(ruleOf) });
    },

    async updateReminderRule(request, context) {
      const caller = callerOf(context);
      const rule = request.rule;
      if (!rule) throw invalidArgument("rule", "required");
      const id = resourceId("rule.name", rule.name, "reminderRules");
      const remindAfter = days("rule.remind_after_days", rule.remindAfterDays, -365);
      const repeatEvery = days("rule.repeat_every_days", rule.repeatEveryDays, 0);
      const escalateAfter =
        rule.escalateAfterDays === undefined
          ? null
          : days("rule.escalate_after_days", rule.escalateAfterDays, -365);
      const escalateRole = escalateAfter === null ? null : rule.escalateRoleId;
      if (escalateAfter !== null && escalateAfter < remindAfter)
        throw invalidArgument("rule.escalate_after_days", "must not come before remind_after_days");
      const row = await deps.db.transaction(async (tx) => {
        const before = await loadRule(tx, id);
        if (escalateRole !== null) {
          const { rowCount } = await tx.query("SELECT 1 FROM roles WHERE id = $1", [escalateRole]);
          if (rowCount === 0)
            throw invalidArgument("rule.escalate_role_id", "required with escalate_after_days: a role id");
        }
        await tx.query(
          `UPDATE reminder_rules SET remind_after_days = $2, repeat_every_days = $3, escalate_after_days = $4,
             escalate_role_id = $5, active = $6, updated_by = $7, updated_at = now() WHERE id = $1`,
          [id, remindAfter, repeatEvery, escalateAfter, escalateRole, rule.active, caller.userId],
        );
        const timing = (r: {
          remind_after_days: number;
          repeat_every_days: number;
          escalate_after_days: number | null;
          escalate_role_id: number | null;
          active: boolean;
        }) => ({
          remindAfterDays: r.remind_after_days,
          repeatEveryDays: r.repeat_every_days,
          escalateAfterDays: r.escalate_after_days,
          escalateRoleId: r.escalate_role_id,
          active: r.active,
        });
        await recordAudit(tx, {
          entityType: "reminder_rule",
          entityId: `reminderRules/${id}`,
          action: "reminder_rule_updated",
          actor: caller.username,
          before: timing(before),
          after: timing({
            remind_after_days: remindAfter,
            repeat_every_days: repeatEvery,
            escalate_after_days: escalateAfter,
            escalate_role_id: escalateRole,
            active: rule.active,
          }),
        });
        return loadRule(tx, id);
      });
      return ruleOf(row);
    },
  };
}
