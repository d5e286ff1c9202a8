/**
 * The lint rules: what a careful reviewer of the seed documents flags. Each
 * rule has an id, a severity and a one-line description; docs/lint-rules.md
 * gives an example of each. A flow that records a finding under `problems:`
 * (same step) gets it reported as `info`.
 */
import type { Severity } from '../findings/finding.js';

/** One lint rule: its severity and what it checks. */
export interface LintRuleInfo {
  readonly severity: Severity;
  readonly description: string;
}

/** Every lint rule, by id. */
export const LINT_RULES = {
  'text-actor-mismatch': {
    severity: 'warning',
    description:
      "A step's sentence names another sender than the hop drawn (its from; for a range, the first hop's).",
  },
  'text-ends-mismatch': {
    severity: 'warning',
    description:
      "A step's sentence sends to another participant than its title (or its drawn hop).",
  },
  'text-no-recipient': {
    severity: 'info',
    description:
      'A step\'s sentence says "sends" but names no recipient ("... response the PoC Server B").',
  },
  'label-spelling': {
    severity: 'info',
    description:
      'A participant label written with other capitals than elsewhere ("SIP/IP core B").',
  },
  'editing-residue': {
    severity: 'warning',
    description:
      'Editing leftovers in a title, sentence or value: bookmarks, glued or doubled words, a name written two ways, a quote opened with a closing mark, double spaces, a figure sentence ending in a comma, a clause number split from its title or left as a placeholder.',
  },
  'status-not-a-status': {
    severity: 'error',
    description:
      'A status that is not one: two codes ("202 200"), a letter in the code ("20O"), a reason that is not the code\'s ("AcceptedOK").',
  },
  'uri-whitespace': {
    severity: 'error',
    description:
      'White space inside a URI ("sip: x@y", "x@ host", "< urn:...>", "; gr=") (RFC 3261 25.1).',
  },
  'uri-params-unbracketed': {
    severity: 'warning',
    description:
      'A URI with ";" parameters written without "<" ">" in an address header (Refer-To, Contact, From, To, Route) (RFC 3261 20).',
  },
  'header-name-no-colon': {
    severity: 'warning',
    description:
      'A header name written without its colon where the other header names of the document have one (import-text).',
  },
  'identity-spelling': {
    severity: 'warning',
    description:
      'The same identity spelled two ways in one flow or document ("PoC-UsertA" / "PoC-UserA", "PoCServerB" / "PoC-ServerB").',
  },
  'gruu-shared': {
    severity: 'warning',
    description:
      'One GRUU instance (gr=urn:uuid:...) given to UEs of two networks in one document: a copied example.',
  },
  'range-hop-count': {
    severity: 'warning',
    description: 'A step range ("14-15") numbers more or fewer hops than the steps drawn for it.',
  },
  'figure-title-mismatch': {
    severity: 'warning',
    description: 'A cross-reference names a figure by a title that figure does not have.',
  },
  'role-behaviour-conflict': {
    severity: 'warning',
    description:
      'Two flows make one role answer the same trigger in contradictory orders (200 before vs after the onward BYE completes).',
  },
  'request-headers-differ': {
    severity: 'warning',
    description:
      "One role's request to the same kind of peer carries a header in one flow of a document and not in another (Privacy in Figure 16, none in Figure 17).",
  },
  'derived-from-wrong-party': {
    severity: 'error',
    description:
      'A value of a message destined for one user is derived from the other user\'s stored data ("destined for the calling user" / "provided by the called user").',
  },
  'conditional-value-unconditional': {
    severity: 'error',
    description:
      'A header is required to carry a value that is obtained only under a condition that does not hold there (Message-UID outside allow-offline-storage).',
  },
  'response-from-wrong-party': {
    severity: 'error',
    description: 'A procedure waits for a response from a party it did not send the request to.',
  },
  'empty-numbering': {
    severity: 'warning',
    description: 'Numbered items without text ("1. a. b. c. 2.") left in a procedure.',
  },
  'numbering-gap': {
    severity: 'warning',
    description: 'A numbered list that does not start at 1 (a, i) or skips a number.',
  },
} as const satisfies Readonly<Record<string, LintRuleInfo>>;

/** A lint rule id. */
export type LintRule = keyof typeof LINT_RULES;
