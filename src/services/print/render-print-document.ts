import {
  fieldText,
  type PrintDocument,
  type PrintSection,
  type PrintSignature,
  printDate,
  signatureState,
} from "../../domain/print/print-document.js";
import { markPages, newPdf, pdfChunks } from "./pdf-stream.js";

/** Renders a printed record to PDF, streamed: case number at the top and "Page N of M" on every page. */
export function renderPrintDocument(document: PrintDocument): AsyncIterable<Uint8Array> {
  const doc = newPdf({ title: `${document.title} ${document.caseNumber}`, subject: document.title });
  return pdfChunks(doc, () => {
    doc.font("Helvetica-Bold").fontSize(14).text(document.title, { align: "center" });
    doc.font("Helvetica").fontSize(11).text(`Case number: ${document.caseNumber}`, { align: "center" });
    doc.moveDown();
    for (const field of document.summary) labelled(doc, field.label, field.value);
    for (const section of document.sections) drawSection(doc, section);
    markPages(doc, `${document.title}  |  Case ${document.caseNumber}`, `Case ${document.caseNumber}`);
  });
}

function drawSection(doc: PDFKit.PDFDocument, section: PrintSection): void {
  doc.moveDown();
  doc.font("Helvetica-Bold").fontSize(12).fillColor("black").text(section.title);
  doc
    .moveTo(doc.page.margins.left, doc.y)
    .lineTo(doc.page.width - doc.page.margins.right, doc.y)
    .stroke();
  doc.moveDown(0.3);
  if (section.withheld) {
    doc.font("Helvetica-Oblique").fontSize(10).text(section.withheld);
  } else {
    for (const field of section.fields) labelled(doc, field.label, field.value);
    for (const paragraph of section.paragraphs) {
      doc.moveDown(0.3);
      doc.font("Helvetica-Bold").fontSize(10).text(paragraph.heading);
      doc.font("Helvetica").fontSize(10).text(fieldText(paragraph.text));
    }
  }
  for (const signature of section.signatures) drawSignature(doc, signature);
}

function labelled(doc: PDFKit.PDFDocument, label: string, value: string): void {
  doc.font("Helvetica-Bold").fontSize(10).text(`${label}: `, { continued: true });
  doc.font("Helvetica").text(value);
}

function drawSignature(doc: PDFKit.PDFDocument, signature: PrintSignature): void {
  doc.moveDown(0.5);
  doc.font("Helvetica-Bold").fontSize(10).text("Signature block");
  doc.font("Helvetica").fontSize(10);
  doc.text(`Name: ${signature.name}    Grade: ${signature.grade || "n/a"}`);
  doc.text(`Role: ${signature.role}    Date signed: ${printDate(signature.signedAt)}`);
  doc.font("Helvetica-Bold").text(`Signature state: ${signatureState(signature)}`);
  doc.font("Helvetica");
}
