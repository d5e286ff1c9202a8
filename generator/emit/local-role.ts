/**
 * A local role: a participant the flows reach only by indications from their
 * other participants (OMA CPM Appendix C: the Message Storage Server the CPM
 * Participating Function stores the CPM Session History to). Its module is
 * no SIP endpoint: other roles call it (`indicate`), each reaction answers
 * with the values its flow actions yield, and each statement cites its step.
 * Pure: plan and structures, printed elsewhere.
 */
import {
  StructureKind,
  type ClassDeclarationStructure,
  type InterfaceDeclarationStructure,
  type SourceFileStructure,
  type StatementStructures,
} from 'ts-morph';
import type { ActionName } from '../model/vocabulary.js';
import type { LocalEvent, Reaction, RoleSpec } from '../projection/local-types.js';
import { block, body, comment, line, type Stmt } from './code-block.js';
import { cite } from './reaction-body.js';
import { roleNames, type RoleNames } from './role-catalog.js';
import { moduleHeader, reactionsTable } from './role-module.js';
import type { RolePlan, TableRow } from './role-plan.js';

const INDICATION = 'indication ';

/** How a local role takes a flow action: the statement, given the variable it yields. */
const LOCAL_ACTIONS: Partial<Record<ActionName, string>> = {
  // OMA CPM 8.5.2 "Record CPM Session": the Message Storage Server stores the CPM Session
  // History and gives its UID (Appendix C: the value of the Message-UID header).
  'store-session-history':
    '(await this.store.storeSessionHistory(sessionHistoryOf(indication.session))).uid',
};

/** One reaction of a local role: the indication it answers and its body. */
export interface LocalBranch {
  /** The indication as the flows name it. */
  readonly indication: string;
  readonly reactions: readonly Reaction[];
  readonly stmts: readonly Stmt[];
}

/** The plan of a local role's module. */
export interface LocalRolePlan {
  readonly names: RoleNames;
  readonly spec: RoleSpec;
  readonly branches: readonly LocalBranch[];
  readonly table: readonly TableRow[];
  /** Whether it keeps a Message Storage (a flow action of it stores). */
  readonly usesStore: boolean;
}

const isIndication = (e: LocalEvent): boolean => e.label.startsWith(INDICATION);

/**
 * Whether every reaction of a role starts on an indication from another
 * participant and only takes actions and answers it: a local role.
 */
export function isLocalRole(spec: RoleSpec): boolean {
  return (
    spec.reactions.length > 0 &&
    spec.reactions.every(
      (r) =>
        r.trigger.kind === 'receive' &&
        r.first.peer !== undefined &&
        isIndication(r.first) &&
        r.events.every((e) => e.kind === 'action' || e.kind === 'state' || isIndication(e)),
    )
  );
}

/** The body of one reaction, or why it is not compiled. */
function compile(r: Reaction): { stmts: Stmt[] } | { reason: string } {
  const stmts: Stmt[] = [comment(cite(r.first))];
  for (const e of r.events) {
    stmts.push(comment(cite(e)));
    if (e.kind === 'state') continue;
    if (e.kind === 'action' && e.action !== undefined) {
      const take = LOCAL_ACTIONS[e.action];
      if (take === undefined) return { reason: `${cite(e)}: not mapped for a local role yet` };
      // Recorded at the step of the indication that asked for it (the caller's flow step).
      const taken = `{ action: '${e.action}', flow: indication.flow, step: indication.step`;
      if (e.yields === undefined)
        stmts.push(line(`await ${take};`), line(`this.actions.push(${taken} });`));
      else {
        const y = JSON.stringify(e.yields);
        stmts.push(
          line(`values[${y}] = ${take};`),
          line(`this.actions.push(${taken}, yields: ${y}, value: values[${y}] });`),
        );
      }
    } else if (e.kind === 'send' && e.answers === r.first.step) {
      stmts.push(line('return { values };'));
      return { stmts };
    } else return { reason: `${cite(e)}: only the answer to the trigger is mapped` };
  }
  // The flows draw no answer: the caller goes on once the actions are taken.
  stmts.push(line('return { values };'));
  return { stmts };
}

/** Plans the module of a local role (see {@link isLocalRole}). */
export function planLocalRole(spec: RoleSpec): LocalRolePlan {
  const branches = new Map<string, { reactions: Reaction[]; stmts: Stmt[] }>();
  const table: TableRow[] = [];
  for (const r of spec.reactions) {
    const indication = r.first.label.slice(INDICATION.length);
    const compiled = compile(r);
    const steps = [
      ...[r.first, ...r.events].map((e) => `${e.flow}#${e.step}`),
      ...r.stepRefs,
    ].filter((x, i, all) => all.indexOf(x) === i);
    const common = { trigger: r.key, flows: r.flows, steps, places: r.places };
    if ('reason' in compiled) {
      table.push({ ...common, runs: 'indicate', executable: false, note: compiled.reason });
      continue;
    }
    const same = branches.get(indication);
    const code = (s: readonly Stmt[]): string =>
      JSON.stringify(s.filter((x) => x.kind !== 'comment'));
    if (same === undefined) branches.set(indication, { reactions: [r], stmts: compiled.stmts });
    else if (code(same.stmts) === code(compiled.stmts)) {
      // The same code: the branch cites this reaction's steps too.
      same.reactions.push(r);
      same.stmts.unshift(...compiled.stmts.filter((s) => s.kind === 'comment'));
    } else {
      table.push({
        ...common,
        runs: 'indicate',
        executable: false,
        note: `answers "${indication}" otherwise than ${same.reactions[0]?.key ?? 'another reaction'}`,
      });
      continue;
    }
    table.push({ ...common, runs: 'indicate', executable: true });
  }
  return {
    names: roleNames(spec.role),
    spec,
    branches: [...branches.entries()].map(([indication, b]) => ({ indication, ...b })),
    table,
    usesStore: JSON.stringify([...branches.values()]).includes('this.store.'),
  };
}

function header(plan: LocalRolePlan): string {
  return moduleHeader(plan, [
    'The flows reach it only by indications of their other participants: other roles call it',
    '(`indicate`, a local call, no network), each with what it knows of the session.',
  ]);
}

function configInterface(plan: LocalRolePlan): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: plan.names.configName,
    isExported: true,
    docs: [`Configuration of the ${plan.names.title}.`],
    properties: [
      {
        name: 'label',
        type: 'string',
        isReadonly: true,
        hasQuestionToken: true,
        docs: [`The participant label, as in the figure; default "${plan.names.title}".`],
      },
      ...(plan.usesStore
        ? [
            {
              name: 'file',
              type: 'string',
              isReadonly: true,
              hasQuestionToken: true,
              docs: [
                'The JSON-lines file the Message Storage keeps what it stores in (`JsonlMessageStore`, created with its directory when missing, read back when it exists); default: in memory (`MemoryMessageStore`), nothing persisted.',
              ],
            },
          ]
        : []),
    ],
  };
}

function classOf(plan: LocalRolePlan): ClassDeclarationStructure {
  const { className, configName, title } = plan.names;
  const dispatch: Stmt[] = [line('const values: Record<string, string> = {};')];
  for (const b of plan.branches) {
    dispatch.push(block(`if (indication.name === ${JSON.stringify(b.indication)})`, b.stmts));
  }
  dispatch.push(line(`throw new UnknownIndicationError(this.label, indication);`));
  const store = plan.usesStore;
  return {
    kind: StructureKind.Class,
    name: className,
    isExported: true,
    implements: ['LocalPeer'],
    docs: [
      `The ${title}: answers the indications of the flows' other participants${store ? ' from its Message Storage' : ''}.`,
    ],
    ctors: [
      {
        scope: undefined,
        parameters: [
          { name: 'config', type: configName, isReadonly: true },
          ...(store ? [{ name: 'store', type: 'MessageStore', isReadonly: true }] : []),
        ],
        statements: [],
      },
    ],
    properties: [
      {
        name: 'actions',
        type: 'ActionRecord[]',
        isReadonly: true,
        initializer: '[]',
        docs: ['Flow actions taken, in order, with the values they yielded.'],
      },
      {
        name: 'answered',
        type: 'LocalIndication[]',
        isReadonly: true,
        initializer: '[]',
        docs: ['Indications answered, in order.'],
      },
    ],
    getAccessors: [
      {
        name: 'label',
        docs: ['The participant label.'],
        returnType: 'string',
        statements: [`return this.config.label ?? ${JSON.stringify(title)};`],
      },
    ],
    methods: [
      {
        name: 'start',
        isStatic: true,
        isAsync: true,
        docs: [
          store
            ? `Starts the ${title} on the Message Storage its configuration names (in memory by default).`
            : `Starts the ${title}.`,
        ],
        parameters: [{ name: 'config', type: configName, initializer: '{}' }],
        returnType: `Promise<${className}>`,
        statements: store
          ? [
              'const store =',
              '  config.file === undefined',
              '    ? new MemoryMessageStore()',
              '    : await JsonlMessageStore.open({ directory: dirname(config.file), fileName: basename(config.file) });',
              `return new ${className}(config, store);`,
            ]
          : [`return new ${className}(config);`],
      },
      {
        name: 'indicate',
        isAsync: true,
        docs: [
          `Answers an indication of a flow step with the values the reaction's actions yield: ${plan.table.map((t) => `${t.trigger} (${t.places.join('; ')})`).join('; ')}.`,
        ],
        parameters: [{ name: 'indication', type: 'LocalIndication' }],
        returnType: 'Promise<LocalAnswer>',
        statements: body([line('this.answered.push(indication);'), ...dispatch]),
      },
      {
        name: 'close',
        isAsync: true,
        docs: [store ? 'Closes the Message Storage.' : 'Nothing to close.'],
        returnType: 'Promise<void>',
        statements: store ? ['await this.store.close();'] : [],
      },
    ],
  };
}

/** The source file structure of a local role's module. */
export function localRoleModule(plan: LocalRolePlan): SourceFileStructure {
  const statements: StatementStructures[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: 'node:path',
      namedImports: ['basename', 'dirname'],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: '../../runtime/storage/index.js',
      namedImports: [
        'JsonlMessageStore',
        'MemoryMessageStore',
        'sessionHistoryOf',
        { name: 'MessageStore', isTypeOnly: true },
      ],
    },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: './role-support.js',
      namedImports: [
        'UnknownIndicationError',
        { name: 'ActionRecord', isTypeOnly: true },
        { name: 'LocalAnswer', isTypeOnly: true },
        { name: 'LocalIndication', isTypeOnly: true },
        { name: 'LocalPeer', isTypeOnly: true },
        { name: 'ReactionEntry', isTypeOnly: true },
      ],
    },
    configInterface(plan),
    reactionsTable(
      plan.names,
      plan.table,
      'the indication it answers, the flows and steps it comes from.',
    ),
    classOf(plan),
  ];
  return { kind: StructureKind.SourceFile, leadingTrivia: `${header(plan)}\n`, statements };
}

/**
 * A local role as the scenario planner sees roles: its reactions table, no
 * handlers, entry points or facts of its own (it is started apart, see
 * `startLocalRole` in the generated tests).
 */
export function asRolePlan(plan: LocalRolePlan): RolePlan {
  return {
    names: plan.names,
    spec: plan.spec,
    kind: 'ua',
    handlers: [],
    entries: [],
    facts: [],
    table: plan.table,
    usesEach: false,
    usesOrigin: false,
    hasProxyMode: false,
    proxyActions: [],
    variantFlows: [],
    runtimeGuards: [],
    usesPendingInvites: false,
    holds: [],
    usesMbcp: false,
    answersInvites: false,
    answersOnlyWhenCalled: false,
    joins: [],
    localPeers: [],
    local: true,
  };
}
