/** One background async loop with an abort signal: started once, stopped and awaited. */
export class BackgroundTask {
  #abort = new AbortController();
  #running: Promise<void> | null = null;
  readonly #body: (signal: AbortSignal) => Promise<unknown>;

  constructor(body: (signal: AbortSignal) => Promise<unknown>) {
    this.#body = body;
  }

  start(): void {
    this.#running ??= this.#body(this.#abort.signal).then(() => {});
  }

  /** Aborts the loop and resolves once it has returned. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('sync stopped'));
    await this.#running;
  }
}
