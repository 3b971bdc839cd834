/** What a hook or a store that missed its deadline fails with: the logs tell a timeout from a failure by it. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

/** A hook or a store that never answers must not hold a request forever: it fails after `ms`. */
export function withDeadline<T>(work: Promise<T> | T, ms: number, what: string): Promise<T> {
  if (!(work instanceof Promise)) return Promise.resolve(work);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
