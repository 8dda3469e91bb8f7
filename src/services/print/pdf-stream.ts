import PDFDocument from "pdfkit";

/** Letter size with one-inch margins, the Air Force's paper; room kept top and bottom for the page marks. */
export const PAGE = { size: "LETTER", margin: 72 } as const;

/**
 * A new pdfkit document. Pages are buffered so that "Page N of M" can be written once M is known: a form is a
 * few pages, so holding them until the end costs little, and the bytes still leave as pdfkit produces them.
 */
export function newPdf(info: { title: string; subject: string }): PDFKit.PDFDocument {
  return new PDFDocument({
    size: PAGE.size,
    margins: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    info: { Title: info.title, Subject: info.subject, Creator: "ECT", Producer: "ECT" },
  });
}

/**
 * Ends `doc` after `draw` and yields its bytes as pdfkit writes them. An error thrown while drawing ends
 * the stream with that error.
 */
export async function* pdfChunks(
  doc: PDFKit.PDFDocument,
  draw: (doc: PDFKit.PDFDocument) => void,
): AsyncIterable<Uint8Array> {
  draw(doc);
  doc.end();
  for await (const chunk of doc as AsyncIterable<Buffer>) yield new Uint8Array(chunk);
}

/** The whole PDF as one buffer (a memo is stored whole: it is a page or two). */
export async function pdfBytes(
  doc: PDFKit.PDFDocument,
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of pdfChunks(doc, draw)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Writes `header` at the top and "Page N of M" (after `footer`) at the bottom of every buffered page. The
 * bottom margin is lifted while writing so that text in it does not start a new page.
 */
export function markPages(doc: PDFKit.PDFDocument, header: string, footer: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    const { width, height, margins } = doc.page;
    const bottom = margins.bottom;
    margins.bottom = 0;
    doc.font("Helvetica").fontSize(8).fillColor("black");
    doc.text(header, margins.left, PAGE.margin / 2, {
      width: width - margins.left - margins.right,
      align: "left",
      lineBreak: false,
    });
    doc.text(`${footer}   Page ${index - start + 1} of ${count}`, margins.left, height - PAGE.margin / 2, {
      width: width - margins.left - margins.right,
      align: "center",
      lineBreak: false,
    });
    margins.bottom = bottom;
  }
}
