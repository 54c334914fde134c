import { useEffect, useState } from "preact/hooks";

// A minimal observable value (a few lines instead of a state library).
export type Signal<T> = { value: T; subscribe(listener: () => void): () => void };

export function signal<T>(initial: T): Signal<T> {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    get value() { return current; },
    set value(next: T) {
      if (Object.is(next, current)) return;
      current = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) { listeners.add(listener); return () => listeners.delete(listener); },
  };
}

/** Re-renders the component when any of the signals changes; returns the first one's value. */
export function useSignals(...signals: Signal<unknown>[]) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const offs = signals.map((s) => s.subscribe(() => setTick((n) => n + 1)));
    return () => offs.forEach((off) => off());
  }, []);
}
