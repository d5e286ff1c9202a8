/**
 * The sequence diagram in React Flow: pan with the wheel or by dragging the
 * background, zoom with Ctrl+wheel; lifeline headers stay pinned at the top;
 * click an arrow to select its step; drag an arrow up or down to reorder it.
 */
import {
  ReactFlow,
  useNodesState,
  useReactFlow,
  type NodeChange,
  type OnNodeDrag,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DiagramModel, DiagramRow } from '../../api/index.js';
import { MESSAGE_BOX, messageWidth, NODE_TYPES, type DiagramNode } from './diagram-nodes.js';
import type { DiffOverlay } from './diff-overlay.js';
import { LifelineHeaders } from './lifeline-headers.js';
import { LAYOUT, layoutDiagram, type DiagramLayout } from './layout.js';
import { shareNodes } from './structural-sharing.js';

/** Props of {@link SequenceDiagram}. */
export interface SequenceDiagramProps {
  readonly model: DiagramModel;
  readonly selectedKey: string | undefined;
  readonly stale: boolean;
  /** Verdicts of an open capture, by row key. */
  readonly overlay: DiffOverlay | undefined;
  readonly onSelect: (key: string) => void;
  /** A message was dropped on another row: move it before or after that row's step. */
  readonly onReorder: (row: DiagramRow, target: DiagramRow) => void;
  /** A lifeline header was dropped on another: move it after (or before) that one. */
  readonly onMoveLifeline: (id: string, target: string, after: boolean) => void;
}

/**
 * Known size and no handles: React Flow then neither hides a new node until it is
 * measured nor renders every node once to measure it, so edits of a large flow
 * render only the arrows in view (onlyRenderVisibleElements).
 */
function sized(width: number, height: number) {
  return { width, height, handles: [] };
}

function buildNodes(
  layout: DiagramLayout,
  selectedKey: string | undefined,
  overlay: DiffOverlay | undefined,
): DiagramNode[] {
  const nodes: DiagramNode[] = [];
  for (const f of layout.fragments)
    nodes.push({
      id: `fragment:${f.fragment.key}`,
      type: 'fragment',
      position: { x: f.x, y: f.y },
      data: { laid: f },
      ...sized(f.width, f.height),
      draggable: false,
      selectable: false,
      zIndex: f.fragment.depth,
    });
  for (const l of layout.lifelines)
    nodes.push({
      id: `lifeline:${l.id}`,
      type: 'lifeline',
      position: { x: l.x - 1, y: 0 },
      data: { height: layout.height },
      ...sized(2, layout.height),
      draggable: false,
      selectable: false,
      focusable: false,
      zIndex: -1,
    });
  for (const m of layout.messages) {
    const self = m.row.from !== undefined && m.x1 === m.x2;
    nodes.push({
      id: m.row.key,
      type: 'message',
      position: { x: self ? m.x1 : Math.min(m.x1, m.x2), y: m.y - MESSAGE_BOX.above },
      data: { laid: m, selected: m.row.key === selectedKey, diff: overlay?.get(m.row.key) },
      ...sized(messageWidth(m), MESSAGE_BOX.above + MESSAGE_BOX.below),
      draggable: true,
      zIndex: 20,
    });
  }
  for (const n of layout.notes)
    nodes.push({
      id: n.row.key,
      type: 'note',
      position: { x: n.x, y: n.y },
      data: { laid: n, selected: n.row.key === selectedKey, diff: overlay?.get(n.row.key) },
      ...sized(n.width, n.height),
      draggable: true,
      zIndex: 20,
    });
  return nodes;
}

/** The sequence diagram of one flow; re-renders only when its props change. */
export const SequenceDiagram = memo(function SequenceDiagram(props: SequenceDiagramProps) {
  const { model, selectedKey, overlay, onSelect, onReorder } = props;
  const layout = useMemo(() => layoutDiagram(model), [model]);
  // Nodes that did not change keep their identity: React Flow skips them (a keystroke changes one).
  const previous = useRef<DiagramNode[] | undefined>(undefined);
  const built = useMemo(
    () =>
      (previous.current = shareNodes(previous.current, buildNodes(layout, selectedKey, overlay))),
    [layout, selectedKey, overlay],
  );
  const [nodes, setNodes, onNodesChange] = useNodesState<DiagramNode>(built);
  // New nodes go to React Flow in the same render (state adjusted while rendering), not in an
  // effect after it: one commit per answer instead of two.
  const [adopted, setAdopted] = useState(built);
  if (adopted !== built) {
    setAdopted(built);
    setNodes(built);
  }

  // Fit the lifelines to the pane's width once per flow; later edits keep the user's view.
  const flow = useReactFlow();
  const pane = useRef<HTMLDivElement>(null);
  const fitted = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (fitted.current === model.flowId || !pane.current) return;
    fitted.current = model.flowId;
    // Below 0.75 labels get hard to read: scroll sideways instead.
    const zoom = Math.min(1, Math.max(0.75, pane.current.clientWidth / (layout.width + 10)));
    void flow.setViewport({ x: 0, y: LAYOUT.headerHeight + 6, zoom });
  }, [flow, layout.width, model.flowId]);

  // Arrows move only up and down: keep x while dragging.
  const onChange = useCallback(
    (changes: NodeChange<DiagramNode>[]) => {
      onNodesChange(
        changes.map((c) => {
          if (c.type !== 'position' || !c.position) return c;
          const orig = nodes.find((n) => n.id === c.id);
          return orig ? { ...c, position: { x: orig.position.x, y: c.position.y } } : c;
        }),
      );
    },
    [nodes, onNodesChange],
  );

  const onDragStop: OnNodeDrag<DiagramNode> = useCallback(
    (_e, node) => {
      const row = model.rows.find((r) => r.key === node.id);
      if (!row) return;
      const centre =
        node.type === 'message'
          ? node.position.y + MESSAGE_BOX.above
          : node.position.y + LAYOUT.noteHeight / 2;
      let best = -1;
      let dist = Infinity;
      layout.rowY.forEach((y, i) => {
        if (Math.abs(y - centre) < dist) {
          dist = Math.abs(y - centre);
          best = i;
        }
      });
      const target = model.rows[best];
      if (target && target.key !== row.key) onReorder(row, target);
      else setNodes(built);
    },
    [model, layout, onReorder, built, setNodes],
  );

  return (
    <div className={`diagram${props.stale ? ' stale' : ''}`} data-testid="diagram" ref={pane}>
      <ReactFlow<DiagramNode>
        nodes={nodes}
        edges={[]}
        nodeTypes={NODE_TYPES}
        onNodesChange={onChange}
        onNodeClick={(_e, n) => {
          if (n.type === 'message' || n.type === 'note') onSelect(n.id);
        }}
        onNodeDragStart={(_e, n) => onSelect(n.id)}
        onNodeDragStop={onDragStop}
        defaultViewport={{ x: 0, y: LAYOUT.headerHeight + 6, zoom: 1 }}
        minZoom={0.2}
        maxZoom={2}
        panOnScroll
        zoomOnScroll={false}
        zoomActivationKeyCode={['Control', 'Meta']}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        nodesConnectable={false}
        elementsSelectable
        onlyRenderVisibleElements={model.rows.length > 300}
        proOptions={{ hideAttribution: true }}
      >
        <LifelineHeaders layout={layout} onMove={props.onMoveLifeline} />
      </ReactFlow>
    </div>
  );
});
