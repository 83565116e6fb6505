// A store that can be used before it is open: each call waits for the opening, then goes to the real one.
// The rooms take clients' requests from their first moment while the database opens beside them.

/** Objects whose members are all methods returning promises (the stores' interfaces). */
type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/** `T` whose every call waits for `opening` (and fails as it fails). */
export function whenOpen<T extends AsyncMethods<T>>(opening: Promise<T>): T {
  // Nobody need handle a failed opening here: the server that opened it stops on it, and each call fails.
  opening.catch(() => {});
  return new Proxy({} as T, {
    get(_target, name) {
      // Not a promise itself: `await` and `return` from an async function look for `then`.
      if (typeof name !== "string" || name === "then") return undefined;
      return (...args: unknown[]) =>
        opening.then((store) => {
          const method = store[name as keyof T] as unknown as (...a: unknown[]) => Promise<unknown>;
          return method.apply(store, args);
        });
    },
  });
}
