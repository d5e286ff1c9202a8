/**
 * The one source of the flow format: TypeBox values that are JSON Schema and
 * give the TypeScript types of a flow document. `flowspec schema` prints it;
 * schema/flow.schema.json is its published copy (checked fresh in CI).
 */
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { ACTIONS, MBCP_MESSAGES, MODES, ROLES } from './vocabulary.js';

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  ) as unknown as TUnion<TLiteral<T[number]>[]>;

const doc = (description: string) => ({ description });

/** A participant id, a step id or a flow id. */
const Identifier = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$', ...doc('An identifier.') });
const StepId = Type.Union([
  Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9.\\-]*$',
    ...doc('Step id as numbered in the spec: "2", "A", "9-14" stays the range id of its hops.'),
  }),
  Type.Integer({ minimum: 0 }),
]);
const FlowId = Type.String({
  pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*$',
  ...doc('Flow id, dotted: "poc.leave.on-demand".'),
});
const StepRefs = Type.Union([StepId, Type.Array(StepId, { minItems: 1 })]);

/** Where a flow or a step comes from. */
export const SourceSchema = Type.Object(
  {
    document: Type.Optional(Type.String(doc('Seed file name or document number.'))),
    spec: Type.Optional(
      Type.String(doc('Specification: "OMA PoC control plane", "3GPP TS 24.229".')),
    ),
    clause: Type.Optional(Type.String(doc('Clause: "5.4.5.1.2".'))),
    figure: Type.Optional(Type.String(doc('Figure number: "16".'))),
    step: Type.Optional(Type.String(doc('Step or item as numbered in the source: "2", "4.c.ii".'))),
    title: Type.Optional(Type.String(doc('Figure or clause title as printed.'))),
  },
  { additionalProperties: false, ...doc('Where this comes from in the source documents.') },
);

/**
 * A value of a request URI, header or body. A plain string is normative: it
 * must appear as written, except that `${name}` parts are variables bound at
 * their first occurrence. The object form says more.
 */
export const ValueSchema = Type.Union(
  [
    Type.String(doc('Normative value; `${var}` parts are variables.')),
    Type.Number(doc('Normative numeric value.')),
    Type.Object(
      {
        example: Type.Optional(Type.String(doc("The spec's example, shown but never compared."))),
        equals: Type.Optional(Type.String(doc('Normative literal; no variables.'))),
        template: Type.Optional(Type.String(doc('Normative template with `${var}` variables.'))),
        pattern: Type.Optional(Type.String(doc('Regular expression the whole value must match.'))),
        contains: Type.Optional(
          Type.String(doc('Normative substring (e.g. a parameter: "method=BYE").')),
        ),
        is: Type.Optional(
          Type.String(
            doc(
              'Derived value: "dialog.cseq.callerToCallee + 1", "step(2).headers.From", "var.uid", "dialog.cseq.calleeToCaller + 1 ?? random(1, 2147483647)".',
            ),
          ),
        ),
        present: Type.Optional(
          Type.Boolean(doc('true: the header must be there (any value); false: absent.')),
        ),
        bind: Type.Optional(Identifier),
        when: Type.Optional(Type.String(doc('Guard under which this value is required.'))),
        note: Type.Optional(Type.String()),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  ],
  doc('A value: normative literal, template, pattern, example or derivation.'),
);

const HeadersSchema = Type.Record(
  Type.String({ pattern: "^[A-Za-z0-9!%*_+`'~.-]+$" }),
  Type.Union([ValueSchema, Type.Array(ValueSchema, { minItems: 1 })]),
  doc('Header fields by name (RFC 3261 7.3); a list gives several values in order.'),
);

/** The head of a message step: what it is, from whom, to whom. */
export const MessageHeadSchema = Type.Object(
  {
    sip: Type.Optional(
      Type.Union([
        Type.String({
          pattern: '^([A-Z][A-Z-]*|[1-6][0-9][0-9]( .*)?)$',
          ...doc(
            'A SIP method ("BYE") or a status with its reason ("200 OK", "487 Request Terminated").',
          ),
        }),
        Type.Integer({ minimum: 100, maximum: 699, ...doc('A SIP status code.') }),
      ]),
    ),
    mbcp: Type.Optional(literals(MBCP_MESSAGES, 'An MBCP message (RTCP APP PoC1).')),
    indication: Type.Optional(Type.String(doc('An internal indication ("release the session").'))),
    from: Type.Optional(Identifier),
    to: Type.Optional(Identifier),
  },
  { additionalProperties: false },
);

const stepCommon = {
  id: Type.Optional(StepId),
  title: Type.Optional(Type.String(doc("The step's heading as printed in the spec."))),
  text: Type.Optional(Type.String(doc("The spec's own sentence for this step."))),
  source: Type.Optional(SourceSchema),
  after: Type.Optional(StepRefs),
  note: Type.Optional(Type.String()),
  specStep: Type.Optional(
    Type.String(
      doc('The spec\'s numbering when it differs from id, e.g. "9-14" for one hop of a range.'),
    ),
  ),
};

/** A guard: an expression over typed variables ("session.kind == 'on-demand'"), or "else". */
export const GuardSchema = Type.String(doc('Guard expression, or "else".'));

/** Builds the recursive step union; `Self` is the step type itself. */
const stepUnion = (Self: TSchema) => {
  const Steps = Type.Array(Self, doc('Steps, in the order of the figure.'));
  return Type.Union([
    Type.Object(
      {
        ...stepCommon,
        message: MessageHeadSchema,
        requestUri: Type.Optional(ValueSchema),
        headers: Type.Optional(HeadersSchema),
        body: Type.Optional(ValueSchema),
        answers: Type.Optional(StepId),
        relays: Type.Optional(StepId),
        dialog: Type.Optional(Identifier),
        transport: Type.Optional(
          literals(['udp', 'tcp'] as const, 'Transport, when the flow fixes it.'),
        ),
      },
      { additionalProperties: false, title: 'message step' },
    ),
    Type.Object(
      {
        ...stepCommon,
        action: literals(ACTIONS, 'What the participant does.'),
        at: Identifier,
        yields: Type.Optional(Identifier),
        when: Type.Optional(GuardSchema),
      },
      { additionalProperties: false, title: 'action step' },
    ),
    Type.Object(
      {
        ...stepCommon,
        state: Type.String(doc('A state the participants are in ("On-going PoC Session").')),
        at: Type.Optional(Type.Union([Identifier, Type.Array(Identifier, { minItems: 1 })])),
        establishedBy: Type.Optional(FlowId),
        bind: Type.Optional(Type.Record(Identifier, Identifier)),
      },
      { additionalProperties: false, title: 'state step' },
    ),
    Type.Object(
      {
        ...stepCommon,
        alt: Type.Array(
          Type.Object(
            {
              guard: GuardSchema,
              label: Type.Optional(Type.String()),
              text: Type.Optional(Type.String()),
              steps: Steps,
            },
            { additionalProperties: false },
          ),
          { minItems: 2 },
        ),
        decidedBy: Identifier,
        label: Type.Optional(Type.String()),
      },
      { additionalProperties: false, title: 'alt fragment' },
    ),
    Type.Object(
      {
        ...stepCommon,
        opt: Type.Object(
          { guard: GuardSchema, steps: Steps, label: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        decidedBy: Identifier,
      },
      { additionalProperties: false, title: 'opt fragment' },
    ),
    Type.Object(
      {
        ...stepCommon,
        par: Type.Array(Steps, { minItems: 2, ...doc('Operands that run at the same time.') }),
        label: Type.Optional(Type.String()),
      },
      { additionalProperties: false, title: 'par fragment' },
    ),
    Type.Object(
      {
        ...stepCommon,
        loop: Type.Object(
          {
            over: Type.String(
              doc('The collection: a variable of type list ("session.participants").'),
            ),
            as: Type.Optional(Identifier),
            steps: Steps,
          },
          { additionalProperties: false },
        ),
        label: Type.Optional(Type.String()),
      },
      { additionalProperties: false, title: 'loop fragment' },
    ),
    Type.Object(
      {
        ...stepCommon,
        ref: Type.Object(
          {
            flow: FlowId,
            bind: Type.Optional(
              Type.Record(
                Identifier,
                Identifier,
                doc('Participant of the referenced flow -> participant here.'),
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false, title: 'ref step' },
    ),
  ]);
};

/** One step: message, action, state, or a fragment (alt, opt, par, loop, ref). */
export const StepSchema = Type.Recursive((Self) => stepUnion(Self), { $id: 'Step' });

/** A participant (a lifeline of the figure). */
export const ParticipantSchema = Type.Object(
  {
    role: literals(ROLES, 'Role from the role catalog.'),
    label: Type.String(doc('Label exactly as in the figure ("PoC Server A").')),
    network: Type.Optional(Type.String(doc('Network: "A", "B", "X".'))),
    mode: Type.Optional(
      literals(MODES, 'How this participant works, where its role has several modes.'),
    ),
    multiple: Type.Optional(
      Type.Boolean(doc('One instance per iteration of the loop that uses it.')),
    ),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A variable of the flow: what a template, a derivation or a loop refers to. */
export const VariableSchema = Type.Object(
  {
    type: literals(
      ['string', 'uri', 'number', 'boolean', 'list', 'enum'] as const,
      'Type of the variable.',
    ),
    values: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    from: Type.Optional(
      literals(
        ['precondition', 'config', 'trace'] as const,
        'Where it comes from: the establishing flow, configuration, or its first occurrence in the trace.',
      ),
    ),
    of: Type.Optional(Type.String(doc('Element type of a list.'))),
    example: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A precondition: a state that a named flow establishes by real signalling. */
export const PreconditionSchema = Type.Object(
  {
    state: Type.String(),
    establishedBy: FlowId,
    bind: Type.Optional(Type.Record(Identifier, Identifier)),
    text: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A recorded problem of the source and the choice the flow makes. */
export const ProblemSchema = Type.Object(
  {
    step: Type.Optional(StepId),
    problem: Type.String(doc('What the source says that is wrong or ambiguous.')),
    choice: Type.String(doc('What this flow does instead.')),
    reason: Type.String(doc('Why.')),
  },
  { additionalProperties: false },
);

/** A whole flow document. */
export const FlowSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: FlowId,
    title: Type.String(
      doc(
        'Title as in the source ("Leaving a PoC Session, originating flow – On-demand Session case").',
      ),
    ),
    description: Type.Optional(Type.String()),
    origin: Type.Optional(
      literals(
        ['seed', 'project'] as const,
        '"seed": taken from a source document; "project": authored by the project.',
      ),
    ),
    source: Type.Optional(SourceSchema),
    participants: Type.Record(Identifier, ParticipantSchema, { minProperties: 1 }),
    variables: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.]*$' }), VariableSchema),
    ),
    given: Type.Optional(Type.Array(PreconditionSchema)),
    steps: Type.Array(StepSchema, { minItems: 1 }),
    problems: Type.Optional(Type.Array(ProblemSchema)),
  },
  {
    additionalProperties: false,
    $id: 'https://flowspec.dev/schema/flow.schema.json',
    title: 'flowspec flow',
    description: 'A telecom call flow: a typed sequence graph (ITU-T Z.120 semantics).',
  },
);

/** A flow document as written in YAML (before normalisation). */
export type FlowDocument = Static<typeof FlowSchema>;
/** A step as written. */
export type StepDocument = Static<typeof StepSchema>;
/** A value as written. */
export type ValueDocument = Static<typeof ValueSchema>;

/** The discriminating key of each step variant, in the order of the union. */
export const STEP_KEYS = [
  'message',
  'action',
  'state',
  'alt',
  'opt',
  'par',
  'loop',
  'ref',
] as const;
/** A step kind (the discriminant of normalised steps). */
export type StepKind = (typeof STEP_KEYS)[number];
