/**
 * The members of a role class besides its handlers and entry points that
 * are its own, by how the role is built on the runtime: a user agent core, a
 * B2BUA core or a stateful proxy core (the S-CSCF also records dialog state,
 * TS 24.229 5.4.5.1.2). What every role of a kind does the same way is in
 * its base class in role-support.ts. Bodies are written with the writer;
 * declarations are structures.
 */
import type {
  ConstructorDeclarationStructure,
  GetAccessorDeclarationStructure,
  MethodDeclarationStructure,
  OptionalKind,
  PropertyDeclarationStructure,
} from 'ts-morph';
import { Scope } from 'ts-morph';
import type { RolePlan } from './role-plan.js';

/** Members of a role class besides its handlers and entry points. */
export interface CoreMembers {
  readonly properties: OptionalKind<PropertyDeclarationStructure>[];
  readonly ctor: OptionalKind<ConstructorDeclarationStructure>;
  readonly getters: OptionalKind<GetAccessorDeclarationStructure>[];
  readonly methods: OptionalKind<MethodDeclarationStructure>[];
}

type Method = OptionalKind<MethodDeclarationStructure>;

function method(
  name: string,
  docs: string,
  params: [string, string, string?][],
  returnType: string,
  lines: string[],
  opts: { isAsync?: boolean; isStatic?: boolean; scope?: Scope } = {},
): Method {
  return {
    name,
    docs: [docs],
    parameters: params.map(([n, t, init]) => ({
      name: n,
      type: t,
      ...(init !== undefined ? { initializer: init } : {}),
    })),
    returnType,
    statements: (w) => {
      for (const l of lines) w.writeLine(l);
    },
    ...(opts.isAsync ? { isAsync: true } : {}),
    ...(opts.isStatic ? { isStatic: true } : {}),
    ...(opts.scope ? { scope: opts.scope } : {}),
  };
}

function handlerRegistrations(plan: RolePlan, core: string): string[] {
  // A B2BUA's INVITEs go to its B2BUA core; those it answers itself come back through `answerInvite`.
  const handlers = plan.handlers.filter((h) => !(plan.kind === 'b2bua' && h.method === 'INVITE'));
  return handlers.map(
    (h) =>
      `${core}.on('${h.method}', (incoming) => this.react('${h.method}', this.${h.name}(incoming)));`,
  );
}

function start(plan: RolePlan, lines: string[]): Method {
  return method(
    'start',
    `Listens on UDP at the configured address and starts the ${plan.names.title}.`,
    [['config', plan.names.configName]],
    `Promise<${plan.names.className}>`,
    lines,
    { isAsync: true, isStatic: true },
  );
}

/**
 * A role on a user agent core: everything it shares with the other roles is
 * in its base class (`UserAgentRole`, `B2buaRole` in role-support.ts); its
 * own members are how it starts and which methods it dispatches.
 */
function uaMembers(plan: RolePlan, b2bua: boolean): CoreMembers {
  const name = plan.names.className;
  const role = plan.spec.role;
  const ctorParams: ConstructorDeclarationStructure['parameters'] = [
    { name: 'transport', type: 'SipTransport' },
    { name: 'core', type: 'UserAgentCore' },
    ...(b2bua ? [{ name: 'b2bua', type: 'B2buaCore' }] : []),
    { name: 'config', type: plan.names.configName },
    ...(plan.usesMbcp ? [{ name: 'mbcp', type: 'MbcpEndpoint' }] : []),
  ];
  const mbcp = plan.usesMbcp ? ', mbcp' : '';
  const opened = plan.usesMbcp ? ['const mbcp = await listenMbcp(config);'] : [];
  const lines = b2bua
    ? [
        `const { transport, core, b2bua } = await listenB2bua(config, '${role}');`,
        ...opened,
        `return new ${name}(transport, core, b2bua, config${mbcp});`,
      ]
    : [
        `const { transport, core } = await listenUserAgent(config, '${role}', config.user ?? 'ua');`,
        ...opened,
        `return new ${name}(transport, core, config${mbcp});`,
      ];
  return {
    properties: [],
    ctor: {
      scope: Scope.Private,
      parameters: ctorParams,
      statements: (w) => {
        w.writeLine(`super(transport, core, ${b2bua ? 'b2bua, ' : ''}config);`);
        if (plan.usesMbcp) w.writeLine('this.attachMbcp(mbcp);');
        for (const l of handlerRegistrations(plan, 'core')) w.writeLine(l);
        if (b2bua && plan.answersInvites) {
          w.write('b2bua.answerInvite = (incoming) => ').inlineBlock(() => {
            w.writeLine(
              '// An INVITE addressed to this B2BUA itself is answered here as its own end (RFC 3261 13.3), not relayed.',
            );
            w.writeLine('if (!this.addressedHere(incoming)) return false;');
            if (plan.answersOnlyWhenCalled) {
              w.writeLine(
                '// An INVITE another B2BUA addressed here for a user beyond is relayed (RFC 7092 3.1); one whose To names this B2BUA too is for it as the called end (OMA CPM 8.2.2.3: the other CPM entity).',
              );
              w.writeLine('if (!isOwnUri(getTo(incoming.request).uri, this.target)) return false;');
            }
            w.writeLine("this.react('INVITE', this.onInvite(incoming));");
            w.writeLine('return true;');
          });
          w.write(';').newLine();
        }
        if (b2bua && plan.holds.length > 0) {
          w.write('b2bua.holdInvite = (incoming) => ').inlineBlock(() => {
            w.writeLine('const f = this.facts();');
            for (const h of plan.holds) w.writeLine(`// ${h.cite}`);
            w.writeLine(
              '// RFC 3261 9.2: the INVITE stays pending; its CANCEL brings the 487 from the transaction.',
            );
            w.writeLine(`return ${plan.holds.map((h) => `(${h.when})`).join(' || ')};`);
          });
          w.write(';').newLine();
        }
        if (b2bua && plan.joins.length > 0) {
          w.write('b2bua.joined = async (session) => ').inlineBlock(() => {
            for (const l of plan.joins) w.writeLine(l);
          });
          w.write(';').newLine();
        }
      },
    },
    getters: [],
    methods: [start(plan, lines)],
  };
}

/** A role on a stateful proxy core (`ProxyRole`): the S-CSCF also records dialog state (TS 24.229 5.4.5.1.2). */
function proxyMembers(plan: RolePlan): CoreMembers {
  const name = plan.names.className;
  const scscf = plan.kind === 's-cscf';
  const methods: Method[] = [
    start(plan, [
      `const { transport, proxy } = await listenProxy(config${plan.hasProxyMode ? '' : ', config.outboundProxy'});`,
      `return new ${name}(transport, proxy, config);`,
    ]),
  ];
  if (plan.proxyActions.length > 0) {
    methods.push(
      method(
        'beforeRelay',
        'The actions the flows give this role before it relays a request.',
        [['requestMethod', 'string']],
        'void',
        plan.proxyActions.map(
          (a) =>
            `if (requestMethod === '${a.method}') this.act('${a.action}', '${a.flow}', '${a.step}'); // ${a.flow} step ${a.step}`,
        ),
        { scope: Scope.Private },
      ),
    );
  }
  if (scscf) {
    methods.push(
      {
        ...method(
          'snapshot',
          'Transactions and response contexts, and the dialogs whose state is stored for a release.',
          [],
          'SessionSnapshot',
          [
            'const s = super.snapshot();',
            'return { ...s, sessions: s.sessions + this.records.size };',
          ],
        ),
        hasOverrideKeyword: true,
      },
      method(
        'record',
        'TS 24.229 5.4.5.1.2: stores what a later release needs, from the messages the S-CSCF receives.',
        [['message', 'SipMessage']],
        'void',
        [
          'const callId = getCallId(message);',
          "if (message.kind === 'request') {",
          "  if (message.method === 'INVITE' && getTag(getTo(message)) === undefined) {",
          '    if (!this.records.has(callId)) this.records.set(callId, new DialogRecorder(message, { isOwnRoute: (rr) => rr.includes(this.ownHost) }));',
          '  } else this.records.get(callId)?.recordRequest(message);',
          '} else {',
          '  const r = this.records.get(callId);',
          '  r?.recordResponse(message);',
          '  // RFC 3261 12.1, 15.1.2: an INVITE answered 300-699 made no dialog; a BYE answered 2xx ended it.',
          '  if (r?.ended) this.records.delete(callId);',
          '}',
        ],
        { scope: Scope.Private },
      ),
      method(
        'recordOf',
        'The stored dialog to release: by Call-ID, or the only one.',
        [['options', 'EntryOptions']],
        'DialogRecorder',
        [
          'const record = options.callId !== undefined ? this.records.get(options.callId) : [...this.records.values()][0];',
          `if (!record) throw new Error(\`${name}: no stored dialog \${options.callId ?? ''}\`);`,
          'return record;',
        ],
        { scope: Scope.Private },
      ),
      method(
        'sendReleaseBye',
        'TS 24.229 5.4.5.1.2 items 1-4: a BYE built only from the stored dialog state, sent along its stored route.',
        [
          ['record', 'DialogRecorder'],
          ['towards', "'called' | 'calling'"],
        ],
        'Promise<SipResponse>',
        [
          'const bye = createReleaseBye(record.snapshot(), towards, { reason: this.config.reason ?? \'SIP;cause=503;text="Service Unavailable"\' });',
          'return sendRequest(this.proxy.layer, bye, targetOfUri(nextHopUri(bye)));',
        ],
        { scope: Scope.Private },
      ),
      method(
        'forget',
        'TS 24.229 5.4.5.1.2: all information about the dialog is released once both 2xx have arrived.',
        [['record', 'DialogRecorder']],
        'void',
        ['for (const [callId, r] of this.records) if (r === record) this.records.delete(callId);'],
        { scope: Scope.Private },
      ),
    );
  }
  const hook = scscf
    ? [
        'transport.addTraceHook((event) => {',
        '  // Requests as they arrive; responses both ways, the ones this S-CSCF answers itself (a 502) too.',
        "  if (event.message && (event.direction === 'in' || event.message.kind === 'response'))",
        '    this.record(event.message);',
        '});',
      ]
    : plan.proxyActions.length > 0
      ? [
          "// The flows' actions are taken when a request arrives, before the core relays it;",
          '// a retransmission (same Call-ID and CSeq, RFC 3261 17.2) is not a new request.',
          'transport.addTraceHook((event) => {',
          "  if (event.direction !== 'in' || event.message?.kind !== 'request') return;",
          "  const key = `${event.message.headers.get('Call-ID') ?? ''} ${event.message.headers.get('CSeq') ?? ''}`;",
          '  if (this.relayed.has(key)) return;',
          '  if (this.relayed.size > 1024) this.relayed.clear();',
          '  this.relayed.add(key);',
          '  this.beforeRelay(event.message.method);',
          '});',
        ]
      : [];
  return {
    properties: [
      ...(plan.proxyActions.length > 0
        ? [
            {
              name: 'relayed',
              type: 'Set<string>',
              isReadonly: true,
              scope: Scope.Private,
              initializer: 'new Set<string>()',
              docs: [
                'Requests already seen (Call-ID and CSeq): a retransmission takes no action twice.',
              ],
            },
          ]
        : []),
      ...(scscf
        ? [
            {
              name: 'records',
              type: 'Map<string, DialogRecorder>',
              isReadonly: true,
              scope: Scope.Private,
              initializer: 'new Map()',
            },
          ]
        : []),
    ],
    ctor: {
      scope: Scope.Private,
      parameters: [
        { name: 'transport', type: 'SipTransport' },
        { name: 'proxy', type: 'ProxyCore' },
        { name: 'config', type: plan.names.configName },
      ],
      statements: ['super(transport, proxy, config);', ...hook],
    },
    getters: scscf
      ? [
          {
            name: 'ownHost',
            returnType: 'string',
            scope: Scope.Private,
            statements: ['return `${this.proxy.address.address}:${this.proxy.address.port}`;'],
          },
        ]
      : [],
    methods,
  };
}

/** The base class of `plan`'s class in role-support.ts. */
export function baseClassOf(plan: RolePlan): string {
  if (plan.kind === 'proxy' || plan.kind === 's-cscf') return 'ProxyRole';
  return plan.kind === 'b2bua' ? 'B2buaRole' : 'UserAgentRole';
}

/** The members of `plan`'s class that are its own (the rest is in its base class). */
export function coreMembers(plan: RolePlan): CoreMembers {
  if (plan.kind === 'proxy' || plan.kind === 's-cscf') return proxyMembers(plan);
  return uaMembers(plan, plan.kind === 'b2bua');
}
