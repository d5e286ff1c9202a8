/** Semantic validation of a loaded flow: every rule, findings sorted by place. */
import { compareFindings, type Finding } from '../findings/finding.js';
import type { Flow } from '../model/flow-model.js';
import { RuleContext, type FlowResolver } from './context.js';
import { checkAnswers, checkMessageHeads, checkRelays } from './rules-messages.js';
import {
  checkCycles,
  checkDerivations,
  checkGuards,
  checkLocalChoice,
  checkLoops,
  orderFor,
} from './rules-semantics.js';
import {
  checkDuplicateIds,
  checkParticipants,
  checkRefs,
  checkStepRefs,
} from './rules-structure.js';

/** The validation rules, with what each checks: the reference for users and docs. */
export const VALIDATION_RULES = {
  'yaml-syntax': 'The file is well-formed YAML.',
  schema: 'The document matches the flow JSON Schema.',
  'unknown-participant': 'Every from, to, at, decidedBy and bind target names a participant.',
  'duplicate-step-id': 'Step ids are unique within a flow.',
  'unknown-step-ref': 'answers, relays, after and step(...) derivations name steps of the flow.',
  'message-without-type':
    'A message says what it is (sip, mbcp or indication) or relays another step.',
  'message-without-sender': 'A message has a sender, except an indication from outside the flow.',
  'message-without-receiver': 'A message has a receiver.',
  'message-type-ambiguous': 'A message is one of sip, mbcp or indication.',
  'response-without-request': 'A SIP response answers a request (answers:) or relays a response.',
  'answer-method-mismatch':
    "A response answers a request of a method it can answer; its CSeq method is the request's.",
  'response-ends-mismatch': 'A response travels back between the two participants of its request.',
  'relay-changes-message': 'A relay is the same request or response as what it relays.',
  'relay-wrong-hop': 'A relay is sent by the participant that received what it relays.',
  'relay-changes-header': 'A relay keeps the normative header values of what it relays.',
  'ref-missing-flow': 'A ref or a precondition names a flow that exists.',
  'ref-unbound-participant':
    'A ref or a precondition binds every participant of the flow it names.',
  'ref-role-mismatch': 'A bound participant plays the same role in both flows.',
  'non-local-choice':
    'The first events of every alt or opt operand belong to the participant that decides it.',
  'loop-undefined-collection': 'A loop iterates over a declared variable of type list.',
  'guard-invalid': 'A guard parses and type-checks against the guard variables.',
  'guard-else-position': 'An "else" operand is the last of its alt.',
  'variable-unbound': 'A derivation reads a variable declared or bound before it.',
  'derivation-invalid': 'A derivation parses.',
  'derivation-unknown-path': 'A derivation reads dialog state that exists.',
  'derivation-step-order': 'A derivation reads a step that happens before it.',
  'template-invalid': "A template's ${...} variables are well-formed.",
  'pattern-invalid': 'A pattern is a regular expression.',
  'value-ambiguous': 'A value has one constraint.',
  'after-cycle': 'Causal after edges make no cycle.',
} as const;

/** A validation rule id. */
export type ValidationRule = keyof typeof VALIDATION_RULES;

/** Runs every semantic rule on a flow. `resolve` finds referenced flows; without it ref checks are skipped. */
export function validateFlow(flow: Flow, resolve?: FlowResolver): Finding[] {
  const ctx = new RuleContext(flow, resolve);
  checkParticipants(ctx);
  checkDuplicateIds(ctx);
  checkStepRefs(ctx);
  checkMessageHeads(ctx);
  checkAnswers(ctx);
  checkRelays(ctx);
  checkRefs(ctx);
  checkGuards(ctx);
  checkLoops(ctx);
  const order = orderFor(flow, resolve);
  checkLocalChoice(ctx, order);
  checkDerivations(ctx, order);
  checkCycles(ctx, order);
  return ctx.findings.sort(compareFindings);
}
