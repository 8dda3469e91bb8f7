import type { MemoText } from "../../domain/print/memo-text.js";
import { markPages, newPdf, pdfBytes } from "../print/pdf-stream.js";

/**
 * A memo as a PDF (a page or two, so rendered whole): the letterhead, the date, MEMORANDUM FOR, FROM, SUBJECT,
 * the body's paragraphs and the signature block, with the case number and page numbers at the foot.
 */
export function renderMemo(memo: MemoText, caseNumber: string): Promise<Buffer> {
  const doc = newPdf({ title: memo.title, subject: memo.subject });
  return pdfBytes(doc, () => {
    const size = memo.fontSize;
    doc.font("Helvetica-Bold").fontSize(12).text("DEPARTMENT OF THE AIR FORCE", { align: "center" });
    doc.font("Helvetica").fontSize(10).text("HEADQUARTERS AIR FORCE RESERVE COMMAND", { align: "center" });
    doc.text("ROBINS AIR FORCE BASE GEORGIA", { align: "center" });
    doc.moveDown(2);
    doc.fontSize(size).text(memo.date, { align: "right" });
    doc.moveDown();
    labelled(doc, "MEMORANDUM FOR", memo.memorandumFor, size);
    doc.moveDown(0.5);
    labelled(doc, "FROM:", memo.sender, size);
    doc.moveDown(0.5);
    labelled(doc, "SUBJECT:", memo.subject, size);
    doc.moveDown();
    for (const paragraph of memo.paragraphs) {
      doc.font("Helvetica").fontSize(size).text(paragraph, { align: "left" });
      doc.moveDown();
    }
    doc.moveDown(2);
    const indent = doc.page.width / 2;
    for (const line of memo.signatureLines) doc.font("Helvetica").fontSize(size).text(line, indent);
    markPages(doc, "", `Case ${caseNumber}`);
  });
}

function labelled(doc: PDFKit.PDFDocument, label: string, value: string, size: number): void {
  doc
    .font("Helvetica-Bold")
    .fontSize(size)
    .text(`${label} `, doc.page.margins.left, doc.y, { continued: true });
  doc.font("Helvetica").text(value);
}
