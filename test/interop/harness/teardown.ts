/**
 * Guaranteed teardown: each resource registers its release as soon as it
 * exists; `run` releases all of them in reverse order, even when some
 * release fails, and reports the failures together.
 */
import { InteropError } from './interop-error.js';

/** A stack of releases. */
export class Teardown {
  private readonly steps: { readonly name: string; readonly release: () => Promise<unknown> }[] =
    [];

  /** Registers a release; it runs before every release registered earlier. */
  add(name: string, release: () => Promise<unknown>): void {
    this.steps.push({ name, release });
  }

  /** Runs every release (last registered first); throws one InteropError naming each that failed. */
  async run(): Promise<void> {
    const failures: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.release();
      } catch (err) {
        failures.push(`${step.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failures.length > 0)
      throw new InteropError('teardown-failed', 'teardown', failures.join('\n'));
  }
}

/**
 * Runs `body` with a fresh Teardown and always runs the teardown after it.
 * When both fail, the body's error is thrown (it is the cause) and the
 * teardown's failure is attached to it as `cause`.
 */
export async function withTeardown<T>(body: (teardown: Teardown) => Promise<T>): Promise<T> {
  const teardown = new Teardown();
  let result: T;
  try {
    result = await body(teardown);
  } catch (err) {
    await teardown.run().catch((teardownError: unknown) => {
      if (err instanceof Error && err.cause === undefined) err.cause = teardownError;
    });
    throw err;
  }
  await teardown.run();
  return result;
}
