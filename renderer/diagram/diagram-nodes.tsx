/**
 * React Flow node types of the sequence diagram: lifelines, message arrows,
 * notes (actions, states, refs) and fragment boxes. Each draws itself from
 * the layout; positions come from {@link layoutDiagram}.
 */
import type { Node, NodeProps } from '@xyflow/react';
import { describeStepDiff, STATUS_TEXT, type RowDiff } from './diff-overlay.js';
import type { LaidFragment, LaidMessage, LaidNote } from './layout.js';
import { LAYOUT } from './layout.js';

/** Data of a lifeline node. */
export type LifelineNode = Node<{ height: number }, 'lifeline'>;
/** Data of a message node. */
export type MessageNode = Node<
  { laid: LaidMessage; selected: boolean; diff: RowDiff | undefined },
  'message'
>;
/** Data of a note node. */
export type NoteNode = Node<
  { laid: LaidNote; selected: boolean; diff: RowDiff | undefined },
  'note'
>;
/** Data of a fragment node. */
export type FragmentNode = Node<{ laid: LaidFragment }, 'fragment'>;
/** Any node of the diagram. */
export type DiagramNode = LifelineNode | MessageNode | NoteNode | FragmentNode;

/** The dashed line under a lifeline header. */
export function LifelineView({ data }: NodeProps<LifelineNode>) {
  return <div className="lifeline" style={{ height: data.height }} />;
}

/** The verdict of a capture diff on an arrow or a ref: the frame number, or what went wrong. */
function DiffBadge({ diff }: { readonly diff: RowDiff }) {
  const text =
    diff.status === 'matched' && diff.frame !== null ? `#${diff.frame}` : STATUS_TEXT[diff.status];
  return (
    <span
      className={`diff-badge diff-${diff.status}`}
      data-testid="diff-badge"
      title={diff.steps.map(describeStepDiff).join('\n\n')}
    >
      {text}
    </span>
  );
}

/** Attributes that let tests and styles see a row's verdict. */
function diffAttributes(diff: RowDiff | undefined): Record<string, string> {
  if (!diff) return {};
  return {
    'data-diff-status': diff.status,
    ...(diff.frame !== null ? { 'data-frame': String(diff.frame) } : {}),
  };
}

/** Geometry of a message node box relative to the arrow. */
export const MESSAGE_BOX = { above: 28, below: 8 } as const;

/** Width of a message node: the arrow's span, or a self-message's loop and label. */
export function messageWidth(laid: LaidMessage): number {
  const self = laid.row.from !== undefined && laid.x1 === laid.x2;
  return self ? LAYOUT.selfLoopWidth + 120 : Math.abs(laid.x2 - laid.x1);
}

/** A message arrow with its step id and method or status. */
export function MessageView({ data }: NodeProps<MessageNode>) {
  const { laid, selected, diff } = data;
  const { row } = laid;
  const self = row.from !== undefined && laid.x1 === laid.x2;
  const width = messageWidth(laid);
  const rightwards = laid.x2 >= laid.x1;
  const y = MESSAGE_BOX.above;
  const end = rightwards ? width - 1 : 1;
  const start = rightwards ? 0 : width;
  const head = rightwards ? -9 : 9;
  return (
    <div
      className={`message${selected ? ' selected' : ''}${row.isResponse ? ' response' : ''}${diff ? ` diff-${diff.status}` : ''}`}
      data-testid="message"
      data-step-id={row.stepId}
      data-label={row.label}
      {...diffAttributes(diff)}
      style={{ width, height: MESSAGE_BOX.above + MESSAGE_BOX.below }}
      title={row.title ?? `${row.stepId} ${row.label}`}
    >
      <div className={`message-label${self ? ' self' : ''}`}>
        {row.hasId && <span className="step-id">{row.stepId}</span>}
        <span className="message-text">{row.label}</span>
        {diff && <DiffBadge diff={diff} />}
      </div>
      <svg width={width} height={MESSAGE_BOX.above + MESSAGE_BOX.below} className="message-arrow">
        {self ? (
          <path
            d={`M0 ${y - 8} H${LAYOUT.selfLoopWidth} V${y + 6} H4`}
            fill="none"
            strokeDasharray={row.isResponse ? '6 4' : undefined}
          />
        ) : (
          <>
            <line
              x1={start}
              y1={y}
              x2={end}
              y2={y}
              strokeDasharray={row.isResponse ? '6 4' : undefined}
            />
            <path d={`M${end} ${y} l${head} -5 v10 z`} className="arrow-head" />
          </>
        )}
      </svg>
    </div>
  );
}

/** An action, a state or a ref box. */
export function NoteView({ data }: NodeProps<NoteNode>) {
  const { laid, selected, diff } = data;
  const { row } = laid;
  return (
    <div
      className={`note note-${row.kind}${selected ? ' selected' : ''}${diff ? ` diff-${diff.status}` : ''}`}
      data-testid="note"
      data-step-id={row.stepId}
      {...diffAttributes(diff)}
      style={{ width: laid.width, height: laid.height }}
      title={row.text ?? row.label}
    >
      {row.kind === 'ref' && <span className="note-tag">ref</span>}
      {row.hasId && <span className="step-id">{row.stepId}</span>}
      <span className="note-text">{row.label}</span>
      {diff && <DiffBadge diff={diff} />}
    </div>
  );
}

/** A combined fragment: the box, its tag with the guard, operand separators. */
export function FragmentView({ data }: NodeProps<FragmentNode>) {
  const { laid } = data;
  const f = laid.fragment;
  return (
    <div
      className={`fragment fragment-${f.kind}`}
      data-testid="fragment"
      data-kind={f.kind}
      style={{ width: laid.width, height: laid.height }}
    >
      <div className="fragment-tag">
        <span className="fragment-kind">{f.kind}</span>
        {f.stepId !== undefined && <span className="step-id">{f.stepId}</span>}
      </div>
      {f.label && <div className="fragment-guard">[{f.label}]</div>}
      {laid.separators.map((s) => (
        <div key={s.y} className="fragment-separator" style={{ top: s.y - laid.y }}>
          {s.label && <span className="fragment-guard">[{s.label}]</span>}
        </div>
      ))}
    </div>
  );
}

/** The node types to hand to React Flow (a stable object). */
export const NODE_TYPES = {
  lifeline: LifelineView,
  message: MessageView,
  note: NoteView,
  fragment: FragmentView,
};
