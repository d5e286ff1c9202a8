/** Names of the generated module, class and configuration of each role. */
import type { Role } from '../model/vocabulary.js';

/** The names one role's generated module uses. */
export interface RoleNames {
  readonly role: Role;
  /** As the specs name it: "PoC Server (participating)". */
  readonly title: string;
  /** Module file name under generated/roles/, without extension. */
  readonly file: string;
  readonly className: string;
  readonly configName: string;
  readonly reactionsName: string;
  /**
   * The configuration field through which another role reaches this one when the flows reach
   * it only by indications (a local peer, no network): `storage` for the Message Storage
   * Server (OMA CPM Appendix C).
   */
  readonly peerField: string;
}

/** Title, class name, and for some roles the module file and the field other roles reach it by. */
const TITLES: Readonly<Record<Role, readonly [string, string, string?, string?]>> = {
  'poc-client': ['PoC Client', 'PocClient'],
  'poc-server-participating': ['PoC Server (participating)', 'PocServerParticipating'],
  'poc-server-controlling': ['PoC Server (controlling)', 'PocServerControlling'],
  'sip-core': ['SIP/IP Core (proxy)', 'SipCore'],
  's-cscf': ['S-CSCF', 'SCscf'],
  ue: ['UE', 'Ue'],
  'cpm-client': ['CPM Client', 'CpmClient'],
  'cpm-pf-originating': ['CPM Participating Function (originating)', 'CpmPfOriginating'],
  'cpm-pf-terminating': ['CPM Participating Function (terminating)', 'CpmPfTerminating'],
  iwf: ['IWF', 'Iwf'],
  'message-storage': [
    'Message Storage Server',
    'MessageStorageServer',
    'message-storage-server',
    'storage',
  ],
};

function constantCase(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The names of `role`'s generated module. */
export function roleNames(role: Role): RoleNames {
  const [title, className, file, peerField] = TITLES[role];
  return {
    role,
    title,
    file: file ?? role,
    className,
    configName: `${className}Config`,
    reactionsName: `${constantCase(className)}_REACTIONS`,
    peerField: peerField ?? className.charAt(0).toLowerCase() + className.slice(1),
  };
}

/** `poc.leave.on-demand` -> `leaveOnDemand` (the flow id without its family prefix, camel-cased). */
export function entryName(flowId: string): string {
  const words = flowId.split(/[.-]/).slice(1);
  const [head = 'run', ...rest] = words;
  return head + rest.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1)).join('');
}

/** `poc.leave.on-demand` -> `poc-leave-on-demand` (a file name). */
export function flowFileName(flowId: string): string {
  return flowId.replace(/\./g, '-');
}
