/**
 * The interop harness: real peers (Kamailio, SIPp, dumpcap, tshark),
 * network namespaces and impairments, the flowspec CLI, guaranteed teardown.
 */
export { allocateAddressBlock, uniqueName, type AddressBlock } from './addresses.js';
export { artifactDir, writeAddressMap } from './artifacts.js';
export { startCapture, type Capture, type CaptureOptions } from './capture.js';
export { REPO_ROOT, runFlowspec, type CliResult } from './flowspec-cli.js';
export {
  lastRunStatus,
  startFlowspecRun,
  type EntryResult,
  type FlowspecRun,
  type FlowspecRunOptions,
  type RunStatus,
  type RunStop,
} from './flowspec-run.js';
export { InteropError, type InteropErrorKind } from './interop-error.js';
export { renderTemplate, startKamailio, type Kamailio, type KamailioOptions } from './kamailio.js';
export { listDialogs, parseDialogList, type KamailioDialog } from './kamailio-dialogs.js';
export { liveProcesses, ManagedProcess, type StartOptions } from './managed-process.js';
export {
  applyImpairment,
  createRoutedPath,
  impairmentStats,
  netnsUnavailable,
  runCommand,
  type AppliedImpairment,
  type Impairment,
  type NetnsEnd,
  type RoutedPath,
} from './netns.js';
export { startMbcpPeer, type MbcpPeer, type MbcpPeerPacket } from './mbcp-peer.js';
export { pollUntil, type PollOptions } from './poll.js';
export { groupCpuSeconds } from './proc-cpu.js';
export { optionsRequest, waitForSipOptions, type SipProbeOptions } from './sip-probe.js';
export {
  isUdpBound,
  startSipp,
  type Sipp,
  type SippOptions,
  type SippResult,
  type SippStats,
} from './sipp.js';
export { Teardown, withTeardown } from './teardown.js';
export { countRetransmissions, tsharkSip, type TsharkSip } from './tshark.js';
export { udpExchange, udpSend } from './udp-probe.js';
export { startBlockCapture } from './block-capture.js';
