import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { withoutAbsolutePaths } from "./span-error.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("withoutAbsolutePaths", () => {
  it("writes paths in the repository relative to it and others as their last segment", () => {
    const stack = [
      "Error: ENOENT: no such file or directory, open '/etc/ect/secret.key'",
      `    at load (${root}src/db/pg-db.ts:77:13)`,
      `    at file://${root}src/cli.ts:5:1`,
      `    at Client.query (${root}node_modules/pg/lib/client.js:526:17)`,
      "    at run (/opt/node24/lib/node_modules/npm/lib/cli.js:9:3)",
      "    at main (file:///home/ops/deploy/ect/dist/main.js:1:2)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
      "    at wasm://wasm/022a9842:wasm-function[10951]:0x52a924",
    ].join("\n");
    assert.equal(
      withoutAbsolutePaths(stack),
      [
        "Error: ENOENT: no such file or directory, open '…/secret.key'",
        "    at load (src/db/pg-db.ts:77:13)",
        "    at src/cli.ts:5:1",
        "    at Client.query (node_modules/pg/lib/client.js:526:17)",
        "    at run (node_modules/npm/lib/cli.js:9:3)",
        "    at main (…/main.js:1:2)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)",
        "    at wasm://wasm/022a9842:wasm-function[10951]:0x52a924",
      ].join("\n"),
    );
  });

  it("leaves URLs and plain text alone", () => {
    const text = "GET https://idp.example/oauth/token failed: 3/4 retries, see ./notes";
    assert.equal(withoutAbsolutePaths(text), text);
  });
});
