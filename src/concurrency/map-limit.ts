/**
 * Calls `task` for every item with at most `limit` calls running at once, and
 * resolves with the results in the items' order. The first rejection rejects
 * the whole (calls already started still run to their end, unobserved), so
 * tasks that must not fail the batch catch their own errors.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
