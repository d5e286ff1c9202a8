/**
 * Participants of a draft: ids and roles guessed from the labels the text
 * prints ("PoC Server X" is the Controlling PoC Function, OMA PoC 6.3).
 */
import type { Role } from '../model/vocabulary.js';
import { labelKey } from '../lint/text-patterns.js';

/** A participant of a draft flow. */
export interface DraftParticipant {
  readonly id: string;
  readonly role: Role;
  readonly label: string;
  readonly network?: string;
}

/** Guesses the role a label names; `pfRole` is the role of an unlettered CPM Participating Function. */
export function guessRole(label: string, pfRole: Role = 'cpm-pf-originating'): Role {
  const l = label.toLowerCase();
  if (l.includes('poc client')) return 'poc-client';
  if (l.includes('sip/ip core')) return 'sip-core';
  if (l.includes('poc server'))
    return /\bx$/.test(l) ? 'poc-server-controlling' : 'poc-server-participating';
  if (l.includes('cpm participating function'))
    return /\bb$/.test(l) ? 'cpm-pf-terminating' : /\ba$/.test(l) ? 'cpm-pf-originating' : pfRole;
  if (l.includes('other cpm entity'))
    return pfRole === 'cpm-pf-originating' ? 'cpm-pf-terminating' : 'cpm-pf-originating';
  if (l.includes('cpm client')) return 'cpm-client';
  if (l.includes('s-cscf')) return 's-cscf';
  if (l.includes('message storage')) return 'message-storage';
  if (l.includes('iwf')) return 'iwf';
  return 'ue';
}

/** "SIP/IP Core A" -> "sipIpCoreA", "CPM Participating Function B" -> "cpmParticipatingFunctionB". */
export function idFromLabel(label: string): string {
  const words = label.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = words
    .map((w, i) =>
      i === 0 ? w.toLowerCase() : `${w[0]?.toUpperCase() ?? ''}${w.slice(1).toLowerCase()}`,
    )
    .join('');
  return /^[A-Za-z]/.test(id) ? id : `p${id}`;
}

/** The participants of one draft, by label, in order of first mention. */
export class ParticipantTable {
  private readonly byKey = new Map<string, DraftParticipant>();

  constructor(private readonly pfRole: Role = 'cpm-pf-originating') {}

  /** The participant a label names, added on first mention with the label as printed. */
  get(label: string): DraftParticipant {
    const key = labelKey(label);
    const known = this.byKey.get(key);
    if (known) return known;
    const printed = /SIP\/IP Core of CPM User ([A-Z])/i.exec(label)
      ? `SIP/IP Core ${/User ([A-Z])/.exec(label)?.[1] ?? ''}`
      : label.replace(/\s+/g, ' ').trim();
    const network = /\s([A-Z])$/.exec(printed)?.[1];
    let id = idFromLabel(printed);
    while ([...this.byKey.values()].some((p) => p.id === id)) id = `${id}2`;
    const p: DraftParticipant = {
      id,
      role: guessRole(printed, this.pfRole),
      label: printed,
      ...(network !== undefined ? { network } : {}),
    };
    this.byKey.set(key, p);
    return p;
  }

  /** The participants as a flow document's `participants` map. */
  toDocument(): Record<string, { role: Role; label: string; network?: string }> {
    const out: Record<string, { role: Role; label: string; network?: string }> = {};
    for (const p of this.byKey.values())
      out[p.id] = {
        role: p.role,
        label: p.label,
        ...(p.network !== undefined ? { network: p.network } : {}),
      };
    return out;
  }

  /** How many participants the draft has. */
  get size(): number {
    return this.byKey.size;
  }
}
