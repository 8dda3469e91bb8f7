import Mustache from "mustache";

/** A memo template's text parts, each a Mustache template over the memo's values. */
export interface MemoTemplateText {
  title: string;
  memorandumFor: string;
  sender: string;
  subject: string;
  body: string;
  signatureBlock: string;
  fontSize: number;
}

/** The values a memo's templates may use ({{caseNumber}}, {{memberRankName}}…), all plain text. */
export type MemoValues = Readonly<Record<string, string>>;

/** A memo's text as sent: every part rendered, the body split into paragraphs at blank lines. */
export interface MemoText {
  title: string;
  date: string;
  memorandumFor: string;
  sender: string;
  subject: string;
  paragraphs: string[];
  signatureLines: string[];
  fontSize: number;
}

/** Renders a template's parts with `values`. Nothing is escaped: the text goes into a PDF, not HTML. */
export function renderMemoText(template: MemoTemplateText, values: MemoValues, date: string): MemoText {
  const render = (text: string) => Mustache.render(text, values, undefined, { escape: (value) => value });
  return {
    title: render(template.title),
    date,
    memorandumFor: render(template.memorandumFor),
    sender: render(template.sender),
    subject: render(template.subject),
    paragraphs: render(template.body)
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter(Boolean),
    signatureLines: render(template.signatureBlock)
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
    fontSize: template.fontSize,
  };
}

/** The template problem of a text part, if any: Mustache must be able to parse it (checked before it is saved). */
export function templateProblem(text: string): string | undefined {
  try {
    Mustache.parse(text);
    return undefined;
  } catch (error) {
    return `not a valid template: ${(error as Error).message}`;
  }
}
