/**
 * Network namespaces for the fault tests: two hosts in namespaces of their
 * own joined through a router namespace by veth pairs on private /30s
 * (10.200.N.0/30 and 10.200.N.4/30), nothing routed anywhere else,
 * and `tc netem` (or its equivalent where the kernel lacks netem) on the
 * veth ends to lose, delay and reorder packets.
 * Names are unique per worker; deleting the namespaces (which also deletes
 * the veth pairs) is registered with the teardown before anything else is
 * configured, so a failure half-way still cleans up.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uniqueName } from './addresses.js';
import { InteropError } from './interop-error.js';
import type { Teardown } from './teardown.js';

const execFileAsync = promisify(execFile);

/** Runs `ip`/`tc` (at most 10 s); throws an InteropError with its stderr. */
export async function runCommand(command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, [...args], { timeout: 10_000 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new InteropError('command-failed', `${command} ${args.join(' ')}`, stderr.trim());
  }
}

/**
 * Whether this process may create network namespaces: tries `ip netns add`
 * on a throw-away name and deletes it. The reason when it may not.
 */
export async function netnsUnavailable(): Promise<string | undefined> {
  const name = uniqueName('prb');
  try {
    await runCommand('ip', ['netns', 'add', name]);
  } catch (err) {
    return `ip netns add is not permitted here (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); the fault tests need root or CAP_SYS_ADMIN`;
  }
  await runCommand('ip', ['netns', 'del', name]);
  return undefined;
}

/** An interface inside a namespace. */
export interface NetnsEnd {
  readonly netns: string;
  readonly device: string;
  readonly address: string;
}

/**
 * Two hosts A and B in namespaces of their own, joined through a router
 * namespace R: A (10.200.N.1) - (10.200.N.2) R (10.200.N.5) - (10.200.N.6) B.
 * Impairments go on R's two interfaces, so that a capture on A's interface
 * sees every message A sends, also those R then loses, and so shows their
 * retransmissions as such.
 */
export interface RoutedPath {
  readonly a: NetnsEnd;
  readonly b: NetnsEnd;
  /** R's interface towards A (its egress carries B's messages to A). */
  readonly routerTowardsA: NetnsEnd;
  /** R's interface towards B (its egress carries A's messages to B). */
  readonly routerTowardsB: NetnsEnd;
  readonly namespaces: readonly string[];
}

let subnet = 0;

/** Creates the namespaces A, R and B and their veth pairs; only the two /30s are routed, through R. */
export async function createRoutedPath(teardown: Teardown): Promise<RoutedPath> {
  const n = subnet++ % 250;
  const base = uniqueName('fs');
  const [nsA, nsR, nsB] = [`${base}a`, `${base}r`, `${base}b`];
  for (const ns of [nsA, nsR, nsB]) {
    await runCommand('ip', ['netns', 'add', ns]);
    teardown.add(`netns ${ns}`, () => runCommand('ip', ['netns', 'del', ns]));
  }
  const a: NetnsEnd = { netns: nsA, device: `${base}a`, address: `10.200.${n}.1` };
  const routerTowardsA: NetnsEnd = { netns: nsR, device: `${base}ra`, address: `10.200.${n}.2` };
  const routerTowardsB: NetnsEnd = { netns: nsR, device: `${base}rb`, address: `10.200.${n}.5` };
  const b: NetnsEnd = { netns: nsB, device: `${base}b`, address: `10.200.${n}.6` };
  // Created inside the namespaces, so the pairs never exist in the root namespace.
  for (const [x, y] of [
    [a, routerTowardsA],
    [b, routerTowardsB],
  ] as const) {
    await runCommand('ip', [
      '-n',
      x.netns,
      'link',
      'add',
      x.device,
      'type',
      'veth',
      'peer',
      'name',
      y.device,
      'netns',
      y.netns,
    ]);
  }
  for (const end of [a, routerTowardsA, routerTowardsB, b]) {
    await runCommand('ip', [
      '-n',
      end.netns,
      'addr',
      'add',
      `${end.address}/30`,
      'dev',
      end.device,
    ]);
    await runCommand('ip', ['-n', end.netns, 'link', 'set', end.device, 'up']);
  }
  for (const ns of [nsA, nsR, nsB]) await runCommand('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await runCommand('ip', ['netns', 'exec', nsR, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await runCommand('ip', [
    '-n',
    nsA,
    'route',
    'add',
    `10.200.${n}.4/30`,
    'via',
    routerTowardsA.address,
  ]);
  await runCommand('ip', [
    '-n',
    nsB,
    'route',
    'add',
    `10.200.${n}.0/30`,
    'via',
    routerTowardsB.address,
  ]);
  return { a, b, routerTowardsA, routerTowardsB, namespaces: [nsA, nsR, nsB] };
}

/** A lossy, reordering link: what the fault tests ask of each veth end's egress. */
export interface Impairment {
  /** Share of packets dropped, in percent. */
  readonly lossPercent: number;
  /** Share of packets that overtake others, in percent. */
  readonly reorderPercent: number;
  /** The delay the other packets are held back by, in ms. */
  readonly delayMs: number;
}

/** How an impairment was applied: the qdisc that does it and the commands used. */
export interface AppliedImpairment {
  readonly mechanism: 'netem' | 'htb+bpf';
  readonly commands: readonly string[];
}

/** Random match with `percent` probability in classic BPF (cls_bpf bytecode): `ld rand; jge T; ret -1; ret 0`. */
function randomMatchBytecode(percent: number): string {
  // SKF_AD_OFF + SKF_AD_RANDOM: the kernel's prandom_u32 as an ancillary load (linux/filter.h).
  const ldRand = 0xfffff000 + 56;
  // The comparison constant is 32 bits: 0 % (no filter at all, see applyImpairment) would be 2^32.
  const threshold = Math.min(2 ** 32 - 1, Math.floor((1 - percent / 100) * 2 ** 32));
  return `4,32 0 0 ${ldRand},53 0 1 ${threshold},6 0 0 4294967295,6 0 0 0`;
}

/**
 * Applies an impairment to the egress of one end. With `tc netem` (loss N%,
 * delay D ms, reorder R% 50%: R% of the packets are sent at once, the
 * others D ms later). Where the kernel has no sch_netem (some VM kernels;
 * the fault tests still have to run there), the same effect is built from
 * what such kernels do have: an htb root whose cls_bpf filters draw a
 * random number per packet (classic BPF `ld rand`) and send N% to a class
 * whose pfifo holds nothing (dropped) and R% to a 1 Mbit/s class, which
 * holds a SIP message back by about D ms behind the others (reordered).
 */
export async function applyImpairment(
  end: NetnsEnd,
  impairment: Impairment,
): Promise<AppliedImpairment> {
  const tc = (args: readonly string[]): Promise<string> =>
    runCommand('ip', ['netns', 'exec', end.netns, 'tc', ...args]);
  const { lossPercent, reorderPercent, delayMs } = impairment;
  const netem = [
    'qdisc',
    'replace',
    'dev',
    end.device,
    'root',
    'netem',
    'delay',
    `${delayMs}ms`,
    'reorder',
    `${reorderPercent}%`,
    '50%',
    'loss',
    `${lossPercent}%`,
  ];
  try {
    await tc(netem);
    return { mechanism: 'netem', commands: [`tc ${netem.join(' ')}`] };
  } catch (err) {
    if (!(err instanceof InteropError) || !/qdisc kind is unknown/i.test(err.message)) throw err;
  }
  const dev = end.device;
  // About delayMs for a 600-byte SIP message at this rate.
  const slowRate = `${Math.max(100, Math.round((600 * 8) / delayMs))}kbit`;
  // Arguments from a line of words, plus the ones that hold spaces themselves (the bytecode).
  const words = (line: string, ...more: string[]): string[] => [...line.split(' '), ...more];
  const randomly = (prio: number, percent: number, flowid: string): string[] =>
    words(
      `filter add dev ${dev} parent 1: protocol all prio ${prio} bpf bytecode`,
      randomMatchBytecode(percent),
      'flowid',
      flowid,
    );
  const commands = [
    words(`qdisc replace dev ${dev} root handle 1: htb default 10`),
    words(`class add dev ${dev} parent 1: classid 1:10 htb rate 1gbit quantum 60000`),
    words(`class add dev ${dev} parent 1: classid 1:20 htb rate ${slowRate} burst 1 cburst 1`),
    words(`class add dev ${dev} parent 1: classid 1:30 htb rate 1gbit quantum 60000`),
    words(`qdisc add dev ${dev} parent 1:30 handle 30: pfifo limit 0`),
    // A 0 % impairment gets no filter: every packet takes the default class.
    ...(lossPercent > 0 ? [randomly(1, lossPercent, '1:30')] : []),
    ...(reorderPercent > 0 ? [randomly(2, reorderPercent, '1:20')] : []),
  ];
  for (const c of commands) await tc(c);
  return { mechanism: 'htb+bpf', commands: commands.map((c) => `tc ${c.join(' ')}`) };
}

/** The root qdisc's statistics of one end (`tc -s qdisc show`): packets sent and dropped. */
export async function impairmentStats(end: NetnsEnd): Promise<{ sent: number; dropped: number }> {
  const out = await runCommand('ip', [
    'netns',
    'exec',
    end.netns,
    'tc',
    '-s',
    'qdisc',
    'show',
    'dev',
    end.device,
  ]);
  const m = /Sent \d+ bytes (\d+) pkt \(dropped (\d+)/.exec(out);
  return { sent: Number(m?.[1] ?? Number.NaN), dropped: Number(m?.[2] ?? Number.NaN) };
}
