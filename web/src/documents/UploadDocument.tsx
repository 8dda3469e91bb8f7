import { type DragEvent, type FormEvent, useId, useState } from "react";
import type { DocumentCategory } from "../../../src/gen/ect/v1/document_service_pb.js";
import { errorText } from "../call-errors.js";
import { uploadDocument } from "./documents-api.js";
import { formatBytes } from "./format-bytes.js";

/**
 * Adds a document: a category the caller may add now, a file dropped on the zone or chosen with the (keyboard
 * reachable) file input, and the upload's progress. Test ids: upload-category, upload-file, upload-drop,
 * upload-submit, upload-progress, upload-error, upload-done.
 */
export function UploadDocument(props: {
  caseName: string;
  categories: readonly DocumentCategory[];
  onUploaded: () => Promise<void>;
}) {
  const open = props.categories.filter((category) => category.mayAdd && !category.systemOnly);
  const [category, setCategory] = useState("");
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [dragging, setDragging] = useState(false);
  const id = useId();

  if (open.length === 0)
    return (
      <p data-testid="upload-closed">Your role may not add documents to this case at its current status.</p>
    );

  function choose(chosen: File | undefined) {
    setFile(chosen);
    setError("");
    setDone("");
    setProgress(undefined);
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError("");
    setDone("");
    if (!category) return setError("Choose the document's category.");
    if (!file) return setError("Choose a file, or drop one on the drop zone.");
    setProgress(0);
    try {
      const stored = await uploadDocument(props.caseName, category, file, setProgress);
      setDone(`Uploaded ${stored.filename || file.name}.`);
      setFile(undefined);
      await props.onUploaded();
    } catch (e) {
      setError(`Not uploaded: ${errorText(e)}`);
      setProgress(undefined);
    }
  }

  const busy = progress !== undefined && progress < 1 && !error;
  return (
    <form className="stack" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add a document</h3>
      <div className="field">
        <label htmlFor={`${id}-category`}>
          Category
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        </label>
        <select
          id={`${id}-category`}
          data-testid="upload-category"
          aria-required
          value={category}
          onChange={(e) => {
            setCategory(e.target.value);
            setError("");
          }}
        >
          <option value="">Choose…</option>
          {open.map((entry) => (
            <option key={entry.code} value={entry.code}>
              {entry.name}
            </option>
          ))}
        </select>
      </div>
      <fieldset
        className="drop-zone"
        data-testid="upload-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        style={{
          border: `2px dashed ${dragging ? "#0b5394" : "#6b6b6b"}`,
          borderRadius: 6,
          padding: "1rem",
        }}
      >
        <legend>Drop a file here, or choose one</legend>
        <div className="field">
          <label htmlFor={`${id}-file`}>
            File
            <span className="required" aria-hidden="true">
              {" "}
              *
            </span>
          </label>
          <input
            id={`${id}-file`}
            data-testid="upload-file"
            type="file"
            required
            aria-describedby={`${id}-hint`}
            onChange={(e) => choose(e.target.files?.[0])}
          />
          <span id={`${id}-hint`}>
            PDF, JPEG, PNG, TIFF or plain text. The type is checked from the file's content.
          </span>
        </div>
        {file && (
          <p data-testid="upload-chosen">
            Chosen: {file.name} ({formatBytes(file.size)})
          </p>
        )}
      </fieldset>
      {progress !== undefined && (
        <div className="field">
          <label htmlFor={`${id}-progress`}>Upload progress</label>
          <progress id={`${id}-progress`} data-testid="upload-progress" max={1} value={progress}>
            {Math.round(progress * 100)} %
          </progress>
        </div>
      )}
      {error && (
        <p role="alert" className="error" data-testid="upload-error">
          {error}
        </p>
      )}
      {done && (
        <p role="status" data-testid="upload-done">
          {done}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy} data-testid="upload-submit">
          Upload
        </button>
      </div>
    </form>
  );
}
