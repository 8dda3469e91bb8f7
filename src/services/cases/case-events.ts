import { EventEmitter } from "node:events";
import type { CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import type { CaseRow } from "./case-row.js";

/** A committed change to a case, as published to watchers. */
export interface CaseChange {
  type: CaseEventType;
  row: CaseRow;
  previous?: CaseRow;
  actor: string;
  time: Date;
}

/**
 * In-process fan-out of committed case changes to WatchCases streams, one per server process. Changes
 * made here are published by their service once committed; changes made on other instances arrive
 * through PostgreSQL NOTIFY (case-event-relay.ts). `resync` tells every watcher that changes may have
 * been missed (the database listener was re-opened).
 */
export class CaseEvents {
  private readonly emitter = new EventEmitter();
  private closed = false;

  constructor() {
    // Every open WatchCases stream listens; the stream cap bounds how many there are.
    this.emitter.setMaxListeners(0);
  }

  /** Publishes a change after its transaction committed. */
  publish(change: CaseChange): void {
    this.emitter.emit("change", change);
  }

  /** Tells every watcher that changes may have been missed and must be re-read. */
  resync(): void {
    this.emitter.emit("resync");
  }

  /** Subscribes to changes (and to resyncs); returns the unsubscribe function. */
  subscribe(listener: (change: CaseChange) => void, onResync?: () => void): () => void {
    this.emitter.on("change", listener);
    if (onResync) this.emitter.on("resync", onResync);
    return () => {
      this.emitter.off("change", listener);
      if (onResync) this.emitter.off("resync", onResync);
    };
  }

  /** Ends every watcher (server shutdown): each WatchCases stream completes normally. */
  close(): void {
    this.closed = true;
    this.emitter.emit("close");
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls listener once when the fan-out closes; returns the unsubscribe function. */
  onClose(listener: () => void): () => void {
    this.emitter.once("close", listener);
    return () => this.emitter.off("close", listener);
  }

  /** How many watchers listen now. */
  watcherCount(): number {
    return this.emitter.listenerCount("change");
  }
}
