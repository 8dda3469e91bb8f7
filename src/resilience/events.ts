// No imports: a tiny event source shared by server policies and the browser SDK.

/** Subscribes a listener; the returned function unsubscribes it. */
export type Subscribe<T> = (listener: (event: T) => void) => () => void;

/** A list of listeners that state changes are pushed to, instead of flags callers poll. */
export class Emitter<T> {
  private listeners = new Set<(event: T) => void>();

  /** Adds a listener; call the result to remove it. */
  readonly subscribe: Subscribe<T> = (listener) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Calls every listener; a throwing listener must not break the call that emitted. */
  emit(event: T): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // Logging and metrics listeners are best effort.
      }
    }
  }
}
