/**
 * The launcher: `flowspec run` starts the generated roles of a topology as
 * SIP servers. The top layer: it imports generated/, runtime/ and the
 * generator's flow loading; nothing imports it (the CLI reaches it through
 * the dynamic import of docs/adr/0005-run-command-dispatch.md).
 */
export { Launcher, statusLine, type LauncherStatus, type RunningParticipant } from './launcher.js';
export { mbcpLine, messageLine } from './message-log.js';
export {
  entryPointsOf,
  getCatalogRole,
  ROLE_CATALOG,
  type CatalogRole,
  type PolicyValue,
  type RoleStartConfig,
  type StartedRole,
} from './role-catalog.js';
export { runLauncher, type RunIo, type RunOptions } from './run-command.js';
export {
  CommandError,
  CommandRunner,
  COMMAND_USAGE,
  parseCommand,
  type CallCommand,
  type RunCommand,
} from './run-commands.js';
export { LaunchError, TopologyError } from './topology-error.js';
export {
  parseTopology,
  readTopology,
  type HopSpec,
  type RunSpec,
  type Topology,
} from './topology.js';
