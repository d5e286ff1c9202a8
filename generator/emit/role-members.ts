/**
 * The fixed members of a role class, by how the role is built on the
 * runtime: a user agent core, a B2BUA core or a stateful proxy core (the
 * S-CSCF also records dialog state, TS 24.229 5.4.5.1.2). Bodies are
 * written with the writer; declarations are structures.
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

const LISTEN = [
  'const transport = await listenUdp(config);',
  "const local = transport.localEndpoint('udp');",
];

function common(plan: RolePlan): Method[] {
  const snapshotSource =
    plan.kind === 'ua'
      ? 'this.core.snapshot()'
      : plan.kind === 'b2bua'
        ? 'this.b2bua.snapshot()'
        : 'this.proxy.snapshot()';
  const closeCore =
    plan.kind === 'ua' || plan.kind === 'b2bua'
      ? 'await this.core.close();'
      : 'await this.proxy.close();';
  const snapshotLines =
    plan.kind === 's-cscf'
      ? [
          `const s = ${snapshotSource};`,
          'return { ...s, sessions: s.sessions + this.records.size };',
        ]
      : [`return ${snapshotSource};`];
  return [
    method(
      'snapshot',
      'Dialogs, transactions and sessions this role still holds (all zero when idle).',
      [],
      'SessionSnapshot',
      snapshotLines,
    ),
    method(
      'close',
      'Stops the transaction layer and closes the transport.',
      [],
      'Promise<void>',
      [closeCore, 'await this.transport.close();'],
      { isAsync: true },
    ),
    method(
      'facts',
      'The facts guards read: the configured policies and session facts.',
      [],
      'Facts',
      [plan.facts.length > 0 ? 'return { ...this.config.facts };' : 'return {};'],
      { scope: Scope.Private },
    ),
    method(
      'act',
      'Takes a flow action (release media, store history ...): recorded for the application and the tests.',
      [
        ['action', 'string'],
        ['flow', 'string'],
        ['step', 'string'],
      ],
      'void',
      ['this.actions.push({ action, flow, step });'],
      { scope: Scope.Private },
    ),
  ];
}

function handlerRegistrations(plan: RolePlan, core: string): string[] {
  return plan.handlers.map(
    (h) => `${core}.on('${h.method}', (incoming) => void this.${h.name}(incoming));`,
  );
}

function uaMembers(plan: RolePlan, b2bua: boolean): CoreMembers {
  const name = plan.names.className;
  const role = plan.spec.role;
  const params = b2bua
    ? '(private readonly transport: SipTransport, readonly core: UserAgentCore, readonly b2bua: B2buaCore, readonly config: C)'
    : '';
  void params;
  const ctorParams: ConstructorDeclarationStructure['parameters'] = [
    { name: 'transport', type: 'SipTransport', scope: Scope.Private, isReadonly: true },
    { name: 'core', type: 'UserAgentCore', isReadonly: true, scope: Scope.Public },
    ...(b2bua ? [{ name: 'b2bua', type: 'B2buaCore', isReadonly: true, scope: Scope.Public }] : []),
    { name: 'config', type: plan.names.configName, isReadonly: true, scope: Scope.Public },
  ];
  const start = [
    ...LISTEN,
    'const core = new UserAgentCore({',
    '  transport,',
    `  contact: \`<sip:\${config.${b2bua ? 'label.replace(/\\W/g, "")' : "user ?? 'ua'"}}@\${local.address}:\${local.port}>\`,`,
    `  role: '${role}',`,
    '  ...(config.timers ? { timers: config.timers } : {}),',
    ...(b2bua
      ? [
          '  // RFC 3261 8.1.2: the next proxy of the server leg, as a pre-existing loose route.',
          '  ...(config.nextProxy !== undefined ? { outboundProxy: config.nextProxy } : {}),',
        ]
      : []),
    '});',
    ...(b2bua
      ? [
          'const b2bua = new B2buaCore({',
          '  core,',
          '  // The server leg goes to the next B2BUA when one is configured, else to the same',
          '  // Request-URI, or to the To URI when the request was addressed to this B2BUA itself.',
          '  route: (invite) => {',
          '    const own = `${local.address}:${local.port}`;',
          '    const requestUri =',
          '      config.nextHop ?? (invite.requestUri.includes(own) ? getTo(invite).uri.raw : invite.requestUri);',
          '    return { requestUri, ...(config.outboundProxy ? { target: { ...config.outboundProxy } } : {}) };',
          '  },',
          '});',
          `return new ${name}(transport, core, b2bua, config);`,
        ]
      : [`return new ${name}(transport, core, config);`]),
  ];
  const methods: Method[] = [
    method(
      'start',
      `Listens on UDP at the configured address and starts the ${plan.names.title}.`,
      [['config', plan.names.configName]],
      `Promise<${name}>`,
      start,
      { isAsync: true, isStatic: true },
    ),
    ...common(plan),
  ];
  if (plan.usesOrigin) {
    methods.push(
      method(
        'originOf',
        'Where a request comes from: the served client (its From is the address of a served user) or another entity.',
        [['incoming', 'IncomingRequest']],
        "'served-client' | 'other'",
        [
          'const from = getFrom(incoming.request).uri.raw;',
          "return (this.config.servedUsers ?? []).includes(from) ? 'served-client' : 'other';",
        ],
        { scope: Scope.Private },
      ),
    );
  }
  if (b2bua) {
    methods.push(
      method(
        'otherLeg',
        'The leg paired with the one a request came in on, looked up before answering ends that dialog.',
        [['incoming', 'IncomingRequest']],
        'B2buaLeg | undefined',
        [
          'const found = incoming.dialog ? this.b2bua.sessionOf(incoming.dialog) : undefined;',
          'return found ? found.session.other(found.leg) : undefined;',
        ],
        { scope: Scope.Private },
      ),
      method(
        'releaseOtherLeg',
        'Sends BYE on the paired leg (OMA PoC Figure 16 step 6); undefined when that leg is gone or already being released.',
        [
          ['other', 'B2buaLeg | undefined'],
          ['options', 'InDialogRequestOptions', '{}'],
        ],
        'Promise<SipResponse | undefined>',
        [
          'if (!other?.active || other.releasing || !other.dialog) return undefined;',
          'other.releasing = true;',
          'return this.core.bye(other.dialog, options);',
        ],
        { isAsync: true, scope: Scope.Private },
      ),
    );
  } else {
    methods.push(
      method(
        'dialogOf',
        'The dialog an entry point acts on: the given one, or the only dialog of this role.',
        [['options', 'EntryOptions']],
        'Dialog',
        [`return onlyDialog(this.core.dialogs, options, '${name}');`],
        { scope: Scope.Private },
      ),
      method(
        'invite',
        'Sends an INVITE outside any dialog along the preloaded route (RFC 3261 8.1.2, 13.2.1).',
        [
          ['options', 'EntryOptions'],
          ['extra', '{ readonly headers?: readonly (readonly [string, string])[] } | undefined'],
        ],
        'Promise<InviteResult>',
        [
          `return sendInvite(this.core, this.config.aor, this.config.route ?? [], options, extra?.headers ?? [], '${name}');`,
        ],
        { scope: Scope.Private },
      ),
    );
    if (plan.usesEach) {
      methods.push(
        method(
          'each',
          'The other dialogs of the session (the PoC Participants still connected), with their facts.',
          [
            ['over', 'string'],
            ['incoming', 'IncomingRequest | undefined'],
          ],
          'readonly { readonly dialog: Dialog; readonly facts: Facts }[]',
          [
            '// `over` names the collection in the flow (session.participants); here: every other dialog with an invite usage.',
            'void over;',
            'return this.core.dialogs',
            '  .all()',
            '  .filter((dialog) => dialog !== incoming?.dialog && dialog.hasInviteUsage)',
            "  .map((dialog) => ({ dialog, facts: { 'session.kind': this.facts()['session.kind'] ?? 'on-demand' } }));",
          ],
          { scope: Scope.Private },
        ),
      );
    }
  }
  return {
    properties: [
      {
        name: 'actions',
        type: 'ActionRecord[]',
        isReadonly: true,
        initializer: '[]',
        docs: ['Flow actions taken, in order.'],
      },
    ],
    ctor: {
      scope: Scope.Private,
      parameters: ctorParams,
      statements: (w) => {
        for (const l of handlerRegistrations(plan, 'core')) w.writeLine(l);
      },
    },
    getters: [
      {
        name: 'target',
        returnType: 'TransportTarget',
        docs: ['Where this role is reached over UDP.'],
        statements: ["return { transport: 'udp', ...this.transport.localEndpoint('udp') };"],
      },
      {
        name: 'uri',
        returnType: 'string',
        docs: ["This role's SIP URI (its Contact URI)."],
        statements: ["return this.core.contact.replace(/^<|>$/g, '');"],
      },
    ],
    methods,
  };
}

function proxyMembers(plan: RolePlan): CoreMembers {
  const name = plan.names.className;
  const scscf = plan.kind === 's-cscf';
  const start = [
    ...LISTEN,
    'const proxy = new ProxyCore({',
    '  transport,',
    '  address: local,',
    ...(plan.hasProxyMode
      ? []
      : [
          '  ...(config.outboundProxy !== undefined ? { outboundProxy: config.outboundProxy } : {}),',
        ]),
    '  ...(config.timers ? { timers: config.timers } : {}),',
    '});',
    `return new ${name}(transport, proxy, config);`,
  ];
  const methods: Method[] = [
    method(
      'start',
      `Listens on UDP at the configured address and starts the ${plan.names.title}.`,
      [['config', plan.names.configName]],
      `Promise<${name}>`,
      start,
      { isAsync: true, isStatic: true },
    ),
    ...common(plan),
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
          '} else this.records.get(callId)?.recordResponse(message);',
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
  return {
    properties: [
      {
        name: 'actions',
        type: 'ActionRecord[]',
        isReadonly: true,
        initializer: '[]',
        docs: ['Flow actions taken, in order.'],
      },
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
        { name: 'transport', type: 'SipTransport', scope: Scope.Private, isReadonly: true },
        { name: 'proxy', type: 'ProxyCore', isReadonly: true, scope: Scope.Public },
        { name: 'config', type: plan.names.configName, isReadonly: true, scope: Scope.Public },
      ],
      statements: scscf
        ? [
            'transport.addTraceHook((event) => {',
            "  if (event.direction === 'in' && event.message) this.record(event.message);",
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
          : [],
    },
    getters: [
      {
        name: 'target',
        returnType: 'TransportTarget',
        docs: ['Where this role is reached over UDP.'],
        statements: ['return this.proxy.target;'],
      },
      {
        name: 'uri',
        returnType: 'string',
        docs: ["This proxy's URI, for Route headers (add `;lr`)."],
        statements: ['return this.proxy.uri;'],
      },
      ...(scscf
        ? [
            {
              name: 'ownHost',
              returnType: 'string',
              scope: Scope.Private,
              statements: ['return `${this.proxy.address.address}:${this.proxy.address.port}`;'],
            },
          ]
        : []),
    ],
    methods,
  };
}

/** The fixed members of `plan`'s class. */
export function coreMembers(plan: RolePlan): CoreMembers {
  if (plan.kind === 'proxy' || plan.kind === 's-cscf') return proxyMembers(plan);
  return uaMembers(plan, plan.kind === 'b2bua');
}
