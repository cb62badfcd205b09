/**
 * One frozen copy per distinct value, for what many pods repeat (label sets, container lists,
 * status summaries…): 150,000 pods then hold a few thousand of each rather than 150,000. A table
 * is bounded and starts over when full (values already handed out stay valid; later ones are
 * simply not shared with them). Hand-written: no library shares parsed JSON by value.
 */
export interface SharedValues<T> {
  /** The value kept for `key`, or `make()` frozen and kept. */
  get(key: string, make: () => T): T;
}

export function sharedValues<T>(max: number): SharedValues<T> {
  const table = new Map<string, T>();
  return {
    get(key, make) {
      const hit = table.get(key);
      if (hit !== undefined) return hit;
      if (table.size >= max) table.clear();
      const value = Object.freeze(make()) as T;
      table.set(key, value);
      return value;
    },
  };
}
