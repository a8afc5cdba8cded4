/**
 * A read whose first item is fetched before anything is written, so that an error of the read (a sort too big for
 * the source, a data source failure, a filter the data layer refuses) is still an error answer and not a cut
 * stream. Used by WFS GetFeature and OGC API Features items; errors after the first item are not touched.
 */

/** Opens a read, fetches its first item (an error then goes through `mapError`) and gives the read back whole. */
export async function primed<T>(open: () => AsyncIterable<T>, mapError: (err: unknown) => unknown = (err) => err): Promise<AsyncIterable<T>> {
  let it: AsyncIterator<T>;
  let first: IteratorResult<T> | null;
  try {
    it = open()[Symbol.asyncIterator]();
    first = await it.next();
  } catch (err) {
    throw mapError(err);
  }
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        if (first === null) return it.next();
        const r = first;
        first = null;
        return Promise.resolve(r);
      },
      return: async () => {
        await it.return?.();
        return { done: true, value: undefined };
      },
    }),
  };
}
