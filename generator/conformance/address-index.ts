/**
 * Open instances by the IP addresses their messages came from or went to:
 * a new dialog is anchored to (or reinterprets) only the instances that
 * already know its sender, so the cost stays linear in those rather than in
 * every open instance of a capture holding tens of thousands of sessions.
 */
import type { Instance } from './instance.js';

const NONE: ReadonlySet<Instance> = new Set();

/**
 * IP address -> open instances that exchanged a message with it: the one instance itself while
 * it is the only one (most addresses of a busy capture are one session's client), a set beyond.
 */
export class AddressIndex {
  private readonly byIp = new Map<string, Instance | Set<Instance>>();

  /** Notes that `inst` holds a message between addresses `a` and `b`. */
  add(inst: Instance, a: string, b: string): void {
    this.addOne(inst, a);
    if (b !== a) this.addOne(inst, b);
  }

  private addOne(inst: Instance, ip: string): void {
    const known = inst.addresses;
    if (known.includes(ip)) return;
    // A copy one longer: an instance exchanges messages with a handful of addresses, and a list
    // grown by push would reserve room for 17. Past 16 (a loop through many participants), the
    // list (then the instance's own) grows by push, as copies would cost the square.
    if (known.length >= 16) {
      (known as string[]).push(ip);
      inst.addresses = known;
    } else {
      const grown = new Array<string>(known.length + 1);
      for (let i = 0; i < known.length; i++) grown[i] = known[i] as string;
      grown[known.length] = ip;
      inst.addresses = grown;
    }
    const held = this.byIp.get(ip);
    if (held === undefined) this.byIp.set(ip, inst);
    else if (held instanceof Set) held.add(inst);
    else if (held !== inst) this.byIp.set(ip, new Set([held, inst]));
  }

  /** Forgets a closed or replaced instance. */
  remove(inst: Instance): void {
    for (const ip of inst.addresses) {
      const held = this.byIp.get(ip);
      if (held === inst) this.byIp.delete(ip);
      else if (held instanceof Set) {
        held.delete(inst);
        if (held.size === 0) this.byIp.delete(ip);
      }
    }
  }

  /** Instances that exchanged a message with `ip` (a new set when there is one). */
  near(ip: string): ReadonlySet<Instance> {
    const held = this.byIp.get(ip);
    if (held === undefined) return NONE;
    return held instanceof Set ? held : new Set([held]);
  }
}
