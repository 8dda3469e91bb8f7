import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes } from "./format-bytes.js";

test("sizes print in bytes, KB or MB", () => {
  assert.equal(formatBytes(12), "12 bytes");
  assert.equal(formatBytes(2048), "2 KB");
  assert.equal(formatBytes(5n * 1024n * 1024n + 1024n * 300n), "5.3 MB");
});
