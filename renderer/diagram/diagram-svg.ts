/**
 * A standalone SVG of the diagram, drawn from the same layout as the view:
 * lifeline headers on top, fragments, notes and arrows with step ids. Used
 * for SVG export and, rasterised by export-files.ts, for PNG export. Pure
 * (no DOM), so unit tests draw it too.
 */
import type { DiagramModel } from '../../api/index.js';
import { LAYOUT, layoutDiagram } from './layout.js';

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Renders the diagram of a flow as an SVG document. */
export function diagramToSvg(model: DiagramModel): string {
  const lay = layoutDiagram(model);
  const top = LAYOUT.headerHeight + 8;
  const width = Math.ceil(lay.width);
  const height = Math.ceil(lay.height + top);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${esc(model.title)}</title>`,
    `<desc>flowspec diagram of ${esc(model.flowId)}</desc>`,
    '<defs><marker id="head" markerWidth="10" markerHeight="10" refX="9" refY="5" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="#1f2933"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  for (const l of lay.lifelines) {
    out.push(
      `<g class="lifeline" data-lifeline="${esc(l.id)}">`,
      `<line x1="${l.x}" y1="${top}" x2="${l.x}" y2="${height - 10}" stroke="#9aa5b1" stroke-dasharray="4 4"/>`,
      `<rect x="${l.x - 80}" y="6" width="160" height="${LAYOUT.headerHeight - 12}" rx="4" fill="#f0f4f8" stroke="#52606d"/>`,
      `<text x="${l.x}" y="28" text-anchor="middle" font-weight="600" font-size="13">${esc(l.label)}</text>`,
      `<text x="${l.x}" y="44" text-anchor="middle" fill="#616e7c" font-size="10">${esc(l.detail)}</text>`,
      '</g>',
    );
  }
  for (const f of lay.fragments) {
    const y = f.y + top;
    const kind = f.fragment.kind + (f.fragment.stepId ? ` ${f.fragment.stepId}` : '');
    out.push(
      `<g class="fragment" data-kind="${f.fragment.kind}">`,
      `<rect x="${f.x}" y="${y}" width="${f.width}" height="${f.height}" fill="none" stroke="#7b8794"/>`,
      `<path d="M${f.x} ${y} h${kind.length * 7 + 16} v12 l-8 8 h-${kind.length * 7 + 8} z" fill="#e4e7eb" stroke="#7b8794"/>`,
      `<text x="${f.x + 6}" y="${y + 14}" font-weight="600">${esc(kind)}</text>`,
    );
    if (f.fragment.label)
      out.push(
        `<text x="${f.x + kind.length * 7 + 24}" y="${y + 14}" fill="#3e4c59">[${esc(f.fragment.label)}]</text>`,
      );
    for (const s of f.separators)
      out.push(
        `<line x1="${f.x}" y1="${s.y + top}" x2="${f.x + f.width}" y2="${s.y + top}" stroke="#7b8794" stroke-dasharray="6 4"/>`,
        s.label
          ? `<text x="${f.x + 8}" y="${s.y + top + 14}" fill="#3e4c59">[${esc(s.label)}]</text>`
          : '',
      );
    out.push('</g>');
  }
  for (const n of lay.notes) {
    const y = n.y + top;
    const label = `${n.row.hasId ? `${n.row.stepId}  ` : ''}${n.row.kind === 'ref' ? 'ref ' : ''}${n.row.label}`;
    out.push(
      `<g class="note" data-step-id="${esc(n.row.stepId)}">`,
      `<rect x="${n.x}" y="${y}" width="${n.width}" height="${n.height}" rx="${n.row.kind === 'state' ? 14 : 3}" fill="${n.row.kind === 'state' ? '#fff8e1' : '#eef2ff'}" stroke="#52606d"/>`,
      `<text x="${n.x + n.width / 2}" y="${y + n.height / 2 + 4}" text-anchor="middle">${esc(label)}</text>`,
      '</g>',
    );
  }
  for (const m of lay.messages) {
    const y = m.y + top;
    const dash = m.row.isResponse ? ' stroke-dasharray="6 4"' : '';
    const self = m.row.from !== undefined && m.x1 === m.x2;
    const mid = self ? m.x1 + 8 : (m.x1 + m.x2) / 2;
    const label = `${m.row.hasId ? `${m.row.stepId}  ` : ''}${m.row.label}`;
    out.push(
      `<g class="message" data-step-id="${esc(m.row.stepId)}">`,
      self
        ? `<path d="M${m.x1} ${y - 8} h${LAYOUT.selfLoopWidth} v14 h-${LAYOUT.selfLoopWidth - 2}" fill="none" stroke="#1f2933"${dash} marker-end="url(#head)"/>`
        : `<line x1="${m.x1}" y1="${y}" x2="${m.x2}" y2="${y}" stroke="#1f2933"${dash} marker-end="url(#head)"/>`,
      `<text x="${mid}" y="${y - 7}" text-anchor="${self ? 'start' : 'middle'}">${esc(label)}</text>`,
      '</g>',
    );
  }
  out.push('</svg>');
  return `${out.filter(Boolean).join('\n')}\n`;
}
