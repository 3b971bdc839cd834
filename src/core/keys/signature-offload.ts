/**
 * Where a signature check runs. node:crypto's synchronous verify is the cheapest way to check one
 * signature (a thread-pool round trip costs more than an RS256 check), but it runs on the event
 * loop. When several requests bring uncached tokens in the same event-loop turn, the server is
 * busy: the checks after the turn's first then go to libuv's thread pool, where another core can
 * do them while the event loop serves other requests.
 *
 * Requests that arrive together are separate callbacks of one turn, and Node runs the nextTick
 * queue between callbacks; a loop that awaits one verification after another runs as one chain of
 * promise jobs, which nextTick callbacks cannot interrupt. So a check is offloaded when it is not
 * the turn's first and a nextTick callback has run since the previous check. (A loop started
 * synchronously from a callback may have its second check offloaded, never the later ones.)
 */
export class SignatureOffload {
  private turnOpen = false;
  private tickScheduled = false;
  /** A callback has ended (its nextTick queue ran) since the last check. */
  private callbackEnded = false;
  private readonly endTurn = (): void => {
    this.turnOpen = false;
  };
  private readonly onTick = (): void => {
    this.tickScheduled = false;
    this.callbackEnded = true;
  };

  /** True when this check should run on the thread pool. Ask synchronously, before the verification's first await. */
  shouldOffload(): boolean {
    const first = !this.turnOpen;
    if (first) {
      this.turnOpen = true;
      // The turn ends once the event loop reaches its check phase; unref'd: it never keeps a process alive.
      setImmediate(this.endTurn).unref();
    }
    const offload = !first && this.callbackEnded;
    this.callbackEnded = false;
    if (!this.tickScheduled) {
      this.tickScheduled = true;
      process.nextTick(this.onTick);
    }
    return offload;
  }
}
