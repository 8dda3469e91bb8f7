import Mustache from "mustache";
import type { Queryable } from "../../db/db.js";

/** What a template may show: no SSN and no medical detail are ever passed in (REQUIREMENTS §8). */
export interface TemplateView {
  caseNumber: string;
  /** maskedMemberName: grade and initials. */
  memberName: string;
  status: string;
  link: string;
  daysInStatus: number;
  roleName: string;
  reason: string;
  suspenseDate: string;
}

/** A template's parts. */
export interface TemplateParts {
  subject: string;
  bodyText: string;
  bodyHtml: string;
}

/**
 * The template of an event at a status: the row for that status code, else the event's default (no status).
 * Throws when the event has no template at all: the outbox would otherwise hold an empty message.
 */
export async function loadTemplate(
  tx: Queryable,
  event: string,
  statusCodeId: number | null,
): Promise<TemplateParts> {
  const { rows } = await tx.query<{ subject: string; body_text: string; body_html: string }>(
    `SELECT subject, body_text, body_html FROM notification_templates
     WHERE event = $1 AND (status_code_id = $2 OR status_code_id IS NULL)
     ORDER BY status_code_id NULLS LAST LIMIT 1`,
    [event, statusCodeId],
  );
  if (rows.length === 0) throw new Error(`no notification template for event ${event}`);
  return { subject: rows[0].subject, bodyText: rows[0].body_text, bodyHtml: rows[0].body_html };
}

const plain = { escape: (value: unknown) => String(value) };

/** Renders the parts: the subject and the text body as written, the HTML body with every value HTML-escaped. */
export function renderTemplate(template: TemplateParts, view: TemplateView): TemplateParts {
  return {
    // A subject is one header line: line breaks a value might carry would end it.
    subject: Mustache.render(template.subject, view, {}, plain).replace(/[\r\n]+/g, " "),
    bodyText: Mustache.render(template.bodyText, view, {}, plain),
    bodyHtml: Mustache.render(template.bodyHtml, view),
  };
}

/** Parses a template once, so an administrator's edit with broken tags is refused instead of stored. */
export function templateSyntaxError(source: string): string | undefined {
  try {
    Mustache.parse(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
