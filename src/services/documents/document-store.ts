import { createHash } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { fileTypeFromBuffer } from "file-type";
import type { PageReader, Queryable } from "../../db/db.js";
import { baseMediaType, contentTypeProblem, TextCheck } from "../../domain/documents/content-type.js";
import { sanitizeFileName } from "../../domain/documents/file-name.js";
import { failedPrecondition, invalidArgument, notFound } from "../../errors.js";

/** A stored document's metadata, as the documents table holds it. */
export interface StoredDocument {
  id: number;
  caseId: number;
  categoryId: number;
  categoryCode: string;
  categoryName: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** Null: filed by the server itself (a memo). */
  uploadedBy: number | null;
  uploadedAt: Date;
  supersedes: number | null;
}

/** What storeDocument stores. */
export interface DocumentInput {
  caseId: number;
  /** A category code of the case's workflow, e.g. "medical_records". */
  categoryCode: string;
  /** As the client named it; sanitised before it is stored. */
  fileName: string;
  /** The declared type; the bytes must match it. */
  contentType: string;
  /** The bytes, read one piece at a time (never collected whole). */
  content: AsyncIterable<Uint8Array> | Uint8Array;
  /** The uploader's user id; null for a document the server files itself (memos). */
  uploadedBy: number | null;
  /** The document this one replaces, of the same case. */
  supersedes?: number;
  /** When it was filed; now unless the server files it for something done earlier (the demo's history). */
  uploadedAt?: Date;
  /** Bytes per stored chunk (config.documents.chunkBytes). */
  chunkBytes: number;
  /** Largest size accepted (config.documents.maxBytes). */
  maxBytes: number;
  /** Types accepted (config.documents.allowedTypes); defaults to PDF only. */
  allowedTypes?: readonly string[];
  signal?: AbortSignal;
}

/** Bytes examined for a magic number; file-type needs 4100 for most formats, ZIP-based ones more. */
const DETECTION_BYTES = 64 * 1024;

/** A document over the size limit: RESOURCE_EXHAUSTED, sent over REST as 413 Content Too Large. */
export function documentTooLarge(maxBytes: number): ConnectError {
  return new ConnectError(`file: larger than the limit of ${maxBytes} bytes`, Code.ResourceExhausted, {
    "x-http-status": "413",
  });
}

/**
 * Stores one document in chunks inside the caller's transaction; returns its metadata. The type is detected
 * from the first bytes and checked against the declared one before any more is read; the size limit is checked
 * as the bytes arrive, so an oversize upload fails at the first byte past the limit. Any error (or an abort)
 * leaves the transaction to roll back, so no half-written document is ever visible.
 */
export async function storeDocument(tx: Queryable, input: DocumentInput): Promise<StoredDocument> {
  const category = await caseCategory(tx, input.caseId, input.categoryCode);
  const fileName = sanitizeFileName(input.fileName);
  if (!fileName)
    throw invalidArgument("filename", "required: a file name with at least one usable character");
  if (input.supersedes !== undefined) await checkSupersedes(tx, input.caseId, input.supersedes);
  const declared = baseMediaType(input.contentType);
  const options = { signal: input.signal };
  const { rows } = await tx.query<{ id: number; uploaded_at: Date }>(
    `INSERT INTO documents (case_id, category_id, file_name, content_type, size_bytes, sha256, uploaded_by, supersedes,
                            uploaded_at)
     VALUES ($1, $2, $3, $4, 0, repeat('0', 64), $5, $6, coalesce($7, now())) RETURNING id, uploaded_at`,
    [
      input.caseId,
      category.id,
      fileName,
      declared,
      input.uploadedBy,
      input.supersedes ?? null,
      input.uploadedAt ?? null,
    ],
    options,
  );
  const id = rows[0].id;
  const hash = createHash("sha256");
  const chunks = new ChunkWriter(tx, id, input.chunkBytes, input.signal);
  const check = new HeadCheck(declared, input.allowedTypes ?? ["application/pdf"]);
  let size = 0;
  for await (const piece of pieces(input.content)) {
    if (piece.length === 0) continue;
    size += piece.length;
    if (size > input.maxBytes) throw documentTooLarge(input.maxBytes);
    hash.update(piece);
    await check.push(piece);
    await chunks.push(piece);
  }
  if (size === 0) throw invalidArgument("file", "the file is empty");
  await check.end();
  await chunks.end();
  const sha256 = hash.digest("hex");
  await tx.query(
    "UPDATE documents SET size_bytes = $2, sha256 = $3 WHERE id = $1",
    [id, size, sha256],
    options,
  );
  return {
    id,
    caseId: input.caseId,
    categoryId: category.id,
    categoryCode: category.code,
    categoryName: category.name,
    fileName,
    contentType: declared,
    sizeBytes: size,
    sha256,
    uploadedBy: input.uploadedBy,
    uploadedAt: rows[0].uploaded_at,
    supersedes: input.supersedes ?? null,
  };
}

/**
 * The bytes of a document, one stored chunk per query, so only one chunk is in memory at a time however large
 * the file. Reads through the stream page reader (the stream limits admitted the call).
 */
export async function* readDocumentChunks(
  db: PageReader,
  documentId: number,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const { rows } = await db.page<{ bytes: Uint8Array }>(
      "SELECT bytes FROM document_chunks WHERE document_id = $1 AND seq = $2",
      [documentId, seq],
      { signal, pageIndex: seq },
    );
    if (rows.length === 0) return;
    yield rows[0].bytes;
  }
}

/** A category of the case's workflow by code; INVALID_ARGUMENT naming `category` if it has none. */
export async function caseCategory(
  db: Queryable,
  caseId: number,
  code: string,
): Promise<{ id: number; code: string; name: string; systemOnly: boolean }> {
  if (!code) throw invalidArgument("category", "required (e.g. medical_records)");
  const { rows } = await db.query<{ id: number; code: string; name: string; system_only: boolean }>(
    `SELECT dc.id, dc.code, dc.name, dc.system_only
     FROM cases c JOIN document_categories dc ON dc.workflow_id = c.workflow_id
     WHERE c.id = $1 AND dc.code = $2`,
    [caseId, code],
  );
  if (rows.length === 0)
    throw invalidArgument("category", `"${code}" is not a document category of this case`);
  const row = rows[0];
  return { id: row.id, code: row.code, name: row.name, systemOnly: row.system_only };
}

/** A new version must replace a document of the same case that no other version replaced yet. */
async function checkSupersedes(tx: Queryable, caseId: number, documentId: number): Promise<void> {
  const { rows } = await tx.query<{ newer: number | null }>(
    `SELECT (SELECT n.id FROM documents n WHERE n.supersedes = d.id) AS newer
     FROM documents d WHERE d.id = $1 AND d.case_id = $2`,
    [documentId, caseId],
  );
  if (rows.length === 0) throw notFound("document", `cases/${caseId}/documents/${documentId}`);
  if (rows[0].newer !== null)
    throw failedPrecondition(
      `document cases/${caseId}/documents/${documentId} was already replaced by document ${rows[0].newer}`,
    );
}

async function* pieces(content: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  if (content instanceof Uint8Array) yield content;
  else yield* content;
}

/** Detects the type from the first DETECTION_BYTES, then (for plain text) checks every byte as it passes. */
class HeadCheck {
  readonly #declared: string;
  readonly #allowed: readonly string[];
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #text: TextCheck | undefined;
  #decided = false;

  constructor(declared: string, allowed: readonly string[]) {
    this.#declared = declared;
    this.#allowed = allowed;
  }

  async push(piece: Uint8Array): Promise<void> {
    if (this.#decided) {
      this.#pushText(piece);
      return;
    }
    this.#head.push(piece);
    this.#headBytes += piece.length;
    if (this.#headBytes >= DETECTION_BYTES) await this.#decide();
  }

  async end(): Promise<void> {
    if (!this.#decided) await this.#decide();
    this.#text?.push(new Uint8Array(0), true);
    this.#throwTextProblem();
  }

  async #decide(): Promise<void> {
    this.#decided = true;
    const head = Buffer.concat(this.#head);
    const detected = await fileTypeFromBuffer(head.subarray(0, DETECTION_BYTES));
    const problem = contentTypeProblem({
      declared: this.#declared,
      detected: detected?.mime,
      allowed: this.#allowed,
    });
    if (problem) throw invalidArgument("file", problem);
    if (detected === undefined) this.#text = new TextCheck();
    for (const piece of this.#head) this.#pushText(piece);
    this.#head = [];
  }

  #pushText(piece: Uint8Array): void {
    if (!this.#text) return;
    this.#text.push(piece);
    this.#throwTextProblem();
  }

  #throwTextProblem(): void {
    const problem = this.#text?.problem;
    if (problem) throw invalidArgument("file", problem);
  }
}

/** Cuts the incoming pieces into stored chunks of exactly chunkBytes (the last one shorter). */
class ChunkWriter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #seq = 0;

  constructor(
    private readonly tx: Queryable,
    private readonly documentId: number,
    private readonly chunkBytes: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async push(piece: Uint8Array): Promise<void> {
    this.#pending.push(piece);
    this.#pendingBytes += piece.length;
    while (this.#pendingBytes >= this.chunkBytes) {
      const all = Buffer.concat(this.#pending, this.#pendingBytes);
      await this.#write(all.subarray(0, this.chunkBytes));
      const rest = all.subarray(this.chunkBytes);
      this.#pending = rest.length > 0 ? [rest] : [];
      this.#pendingBytes = rest.length;
    }
  }

  async end(): Promise<void> {
    if (this.#pendingBytes > 0) await this.#write(Buffer.concat(this.#pending, this.#pendingBytes));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    await this.tx.query(
      "INSERT INTO document_chunks (document_id, seq, bytes) VALUES ($1, $2, $3)",
      [this.documentId, this.#seq++, bytes],
      { signal: this.signal },
    );
  }
}
