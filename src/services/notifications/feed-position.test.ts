import assert from "node:assert/strict";
import { test } from "node:test";
import { COMMIT_LAG_MS, FeedPosition } from "./feed-position.js";

test("a watch reads after the newest id it started with", () => {
  const position = new FeedPosition(40, 0);
  assert.deepEqual(position.window(10), { after: 40, skip: [] });
});

test("an id that commits after a higher one is still read, and what was sent is not sent again", () => {
  const position = new FeedPosition(40, 0);
  // 42 committed first; 41 was still in flight.
  position.advance([42], 1_000);
  assert.deepEqual(position.window(2_000), { after: 40, skip: [42] });
  position.advance([41], 2_000);
  assert.deepEqual(position.window(3_000), { after: 40, skip: [42, 41] });
});

test("once the commit lag has passed, the read starts after the ids sent by then and forgets them", () => {
  const position = new FeedPosition(40, 0);
  position.advance([41, 42], 1_000);
  position.advance([], 2_000);
  const later = 2_000 + COMMIT_LAG_MS;
  assert.deepEqual(position.window(later), { after: 42, skip: [] });
  position.advance([43], later);
  assert.deepEqual(position.window(later + 1), { after: 42, skip: [43] });
});
