// A promise queue: callers run one at a time, in arrival order. The store's single writer uses it
// so that ingest sequence numbers follow commit order.

export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
