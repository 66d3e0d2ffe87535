/**
 * A bounded cache for pure functions of a string. Every turn re-reads the whole transcript, and
 * all but the newest line were read on the turns before: an instance keeps the readings of the
 * lines it has seen, up to `max`, dropping the oldest first.
 */
export function memoizeText<T>(read: (text: string) => T, max = 4096): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const known = cache.get(text);
    if (known !== undefined) return known;
    const value = read(text);
    if (cache.size >= max) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(text, value);
    return value;
  };
}
