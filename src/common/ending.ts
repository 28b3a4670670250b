/**
 * The end of something long-lived (a worker process) that calls to it race:
 * each call rejects with the end's reason if the end comes first.
 *
 * `Promise.race([call, ended])` cannot do this when `ended` stays pending for
 * hours: a pending promise keeps every reaction added to it, and each reaction
 * keeps its race's promise and so that call's result. One such race per batch
 * made the query frontend grow by a few MB per 100,000 requests.
 * Here a call is held only until it settles.
 *
 * @example
 * const ending = new Ending();
 * void process.wait().then((info) => ending.end(new WorkerDiedError(info.reason)));
 * const output = await ending.race(api.predict(batch));
 */
export class Ending {
  private reason: Error | null = null;
  private readonly waiting = new Set<(reason: Error) => void>();

  /** Rejects every call still waiting, and every later one, with `reason`; only the first end counts. */
  end(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    for (const reject of this.waiting) reject(reason);
    this.waiting.clear();
  }

  /** `promise`'s outcome, or the end's reason if the end comes first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.reason) return Promise.reject(this.reason);
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      promise.then(
        (value) => {
          this.waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          reject(error);
        },
      );
    });
  }
}
