/** A set of listeners of one event with a typed payload. */
export class Listeners<T extends unknown[]> {
  private readonly set = new Set<(...args: T) => void>();

  /** Adds a listener; returns its remover. */
  add(listener: (...args: T) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  /** Calls every listener with the payload. */
  emit(...args: T): void {
    for (const listener of [...this.set]) listener(...args);
  }
}
