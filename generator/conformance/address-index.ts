/**
 * Open instances by the IP addresses their messages came from or went to:
 * a new dialog is anchored to (or reinterprets) only the instances that
 * already know its sender, so the cost stays linear in those rather than in
 * every open instance of a capture holding tens of thousands of sessions.
 */
import type { Instance } from './instance.js';

const NONE: ReadonlySet<Instance> = new Set();

/** IP address -> open instances that exchanged a message with it. */
export class AddressIndex {
  private readonly byIp = new Map<string, Set<Instance>>();

  /** Notes that `inst` holds a message between addresses `a` and `b`. */
  add(inst: Instance, a: string, b: string): void {
    this.addOne(inst, a);
    if (b !== a) this.addOne(inst, b);
  }

  private addOne(inst: Instance, ip: string): void {
    if (inst.addresses.includes(ip)) return;
    inst.addresses.push(ip);
    let set = this.byIp.get(ip);
    if (!set) {
      set = new Set();
      this.byIp.set(ip, set);
    }
    set.add(inst);
  }

  /** Forgets a closed or replaced instance. */
  remove(inst: Instance): void {
    for (const ip of inst.addresses) {
      const set = this.byIp.get(ip);
      set?.delete(inst);
      if (set?.size === 0) this.byIp.delete(ip);
    }
  }

  /** Instances that exchanged a message with `ip`. */
  near(ip: string): ReadonlySet<Instance> {
    return this.byIp.get(ip) ?? NONE;
  }
}
