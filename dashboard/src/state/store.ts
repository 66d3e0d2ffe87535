/**
 * The page's one state object: read it with `get`, change it with `update` (a patch, or a function
 * of the current state returning one), and be told after every change with `subscribe`.
 */
export type Patch<S> = Partial<S> | ((state: S) => Partial<S>);

export interface Store<S> {
  get(): S;
  update(patch: Patch<S>): void;
  /** Called after every update; returns the function that stops it. */
  subscribe(listener: (state: S) => void): () => void;
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    get: () => state,
    update(patch) {
      const changes = typeof patch === "function" ? patch(state) : patch;
      state = { ...state, ...changes };
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
