/**
 * Lifeline headers pinned to the top of the diagram pane: they follow
 * horizontal pan and zoom but not vertical scrolling, so the labels stay in
 * sight. Drag a header sideways onto another to reorder the participants.
 */
import { useViewport } from '@xyflow/react';
import { useState } from 'react';
import { LAYOUT, type DiagramLayout } from './layout.js';

/** Props of {@link LifelineHeaders}. */
export interface LifelineHeadersProps {
  readonly layout: DiagramLayout;
  readonly onMove: (id: string, target: string, after: boolean) => void;
}

/** The pinned headers. */
export function LifelineHeaders({ layout, onMove }: LifelineHeadersProps) {
  const { x, zoom } = useViewport();
  const [drag, setDrag] = useState<{ id: string; startX: number; dx: number } | undefined>();
  const drop = (id: string, dx: number): void => {
    const from = layout.lifelines.findIndex((l) => l.id === id);
    const origin = layout.lifelines[from];
    if (!origin) return;
    const at = origin.x + dx / zoom;
    let best = from;
    layout.lifelines.forEach((l, i) => {
      if (Math.abs(l.x - at) < Math.abs((layout.lifelines[best]?.x ?? 0) - at)) best = i;
    });
    const target = layout.lifelines[best];
    if (target && best !== from) onMove(id, target.id, best > from);
  };
  return (
    <div className="lifeline-headers" style={{ height: LAYOUT.headerHeight }}>
      {layout.lifelines.map((l) => {
        const dx = drag?.id === l.id ? drag.dx : 0;
        return (
          <div
            key={l.id}
            className={`lifeline-header${dx ? ' dragging' : ''}`}
            data-testid="lifeline-header"
            data-lifeline={l.id}
            title={`${l.id}: ${l.detail} (drag to reorder)`}
            style={{
              left: x + l.x * zoom,
              width: (LAYOUT.columnWidth - 24) * zoom,
              transform: `translateX(calc(-50% + ${dx}px))`,
              fontSize: `${Math.max(0.6, Math.min(1, zoom)) * 13}px`,
            }}
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture(e.pointerId);
              setDrag({ id: l.id, startX: e.clientX, dx: 0 });
            }}
            onPointerMove={(e) => {
              if (drag?.id === l.id) setDrag({ ...drag, dx: e.clientX - drag.startX });
            }}
            onPointerUp={() => {
              if (drag?.id === l.id) drop(l.id, drag.dx);
              setDrag(undefined);
            }}
            onPointerCancel={() => setDrag(undefined)}
          >
            <div className="lifeline-label">{l.label}</div>
            <div className="lifeline-detail">{l.detail}</div>
          </div>
        );
      })}
    </div>
  );
}
