/** A topology file that cannot be run, with its place (as the flow loader reports). */
export class TopologyError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'TopologyError';
  }
}

/** A participant that could not be started (its address is taken, say): exit 2. */
export class LaunchError extends Error {
  constructor(
    readonly participant: string,
    readonly reason: string,
  ) {
    super(`${participant}: ${reason}`);
    this.name = 'LaunchError';
  }
}
