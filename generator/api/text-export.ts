/**
 * Exports a flow's diagram as Mermaid or PlantUML sequence diagram text:
 * the same rows and fragments the editor draws, so reviewers can paste a
 * flow into documents that render those formats.
 */
import type {
  DiagramFragment,
  DiagramModel,
  DiagramRow,
  TextExportFormat,
} from '../../api/index.js';

interface Dialect {
  header(model: DiagramModel): string[];
  footer(): string[];
  row(row: DiagramRow, model: DiagramModel): string;
  open(f: DiagramFragment): string;
  next(f: DiagramFragment, label: string): string;
}

function stepText(row: DiagramRow): string {
  return row.hasId ? `${row.stepId} ` : '';
}

/** Mermaid treats `;` and `#` specially in message text. */
function mermaidText(s: string): string {
  return s
    .replace(/;/g, '#59;')
    .replace(/#(?!59;)/g, '#35;')
    .replace(/\n/g, ' ');
}

function span(model: DiagramModel, ids: readonly string[]): [string, string] {
  const order = model.lifelines.map((l) => l.id).filter((id) => ids.includes(id));
  const first = order[0] ?? model.lifelines[0]?.id ?? 'nobody';
  return [first, order[order.length - 1] ?? first];
}

const MERMAID: Dialect = {
  header: (m) => [
    'sequenceDiagram',
    `  title ${mermaidText(m.title)}`,
    ...m.lifelines.map((l) => `  participant ${l.id} as ${mermaidText(l.label)}`),
  ],
  footer: () => [],
  row(r, m) {
    if (r.kind === 'message') {
      const arrow = r.isResponse ? '-->>' : '->>';
      return `${r.from ?? r.to}${arrow}${r.to}: ${mermaidText(stepText(r) + r.label)}`;
    }
    const [a, b] = span(m, r.over);
    const over = a === b ? a : `${a},${b}`;
    const what = r.kind === 'ref' ? `ref ${r.label}` : r.label;
    return `Note over ${over}: ${mermaidText(stepText(r) + what)}`;
  },
  open: (f) =>
    f.kind === 'par' ? 'par' : `${f.kind} ${mermaidText(f.operands[0]?.label ?? f.label)}`,
  next: (f, label) => (f.kind === 'par' ? 'and' : `else ${mermaidText(label)}`),
};

function plantText(s: string): string {
  return s.replace(/\n/g, '\\n');
}

const PLANTUML: Dialect = {
  header: (m) => [
    '@startuml',
    `title ${plantText(m.title)}`,
    ...m.lifelines.map((l) => `participant "${l.label.replace(/"/g, "'")}" as ${l.id}`),
  ],
  footer: () => ['@enduml'],
  row(r, m) {
    if (r.kind === 'message') {
      const arrow = r.isResponse ? '-->' : '->';
      const from = r.from ?? '[';
      return `${from === '[' ? '[' : from} ${arrow} ${r.to} : ${plantText(stepText(r) + r.label)}`;
    }
    const [a, b] = span(m, r.over);
    const over = a === b ? a : `${a}, ${b}`;
    if (r.kind === 'ref') return `ref over ${over} : ${plantText(stepText(r) + r.label)}`;
    return `hnote over ${over} : ${plantText(stepText(r) + r.label)}`;
  },
  open: (f) =>
    f.kind === 'par' ? 'par' : `${f.kind} ${plantText(f.operands[0]?.label ?? f.label)}`,
  next: (_f, label) => `else ${plantText(label)}`,
};

/** Writes the diagram in a text format. */
export function exportDiagramText(model: DiagramModel, format: TextExportFormat): string {
  const d = format === 'mermaid' ? MERMAID : PLANTUML;
  const lines = d.header(model);
  const stack: DiagramFragment[] = [];
  const pad = (): string => '  '.repeat(stack.length + (format === 'mermaid' ? 1 : 0));
  const byStart = [...model.fragments].sort((a, b) => a.firstRow - b.firstRow || a.depth - b.depth);
  model.rows.forEach((row, i) => {
    while (stack.length > 0 && (stack[stack.length - 1]?.lastRow ?? 0) < i) {
      stack.pop();
      lines.push(`${pad()}end`);
    }
    for (const f of stack) {
      const op = f.operands.findIndex((o, k) => k > 0 && o.firstRow === i);
      if (op > 0) {
        stack.length = stack.indexOf(f) + 1;
        lines.push(
          `${'  '.repeat(stack.length - 1 + (format === 'mermaid' ? 1 : 0))}${d.next(f, f.operands[op]?.label ?? '')}`,
        );
        break;
      }
    }
    for (const f of byStart.filter((x) => x.firstRow === i)) {
      lines.push(`${pad()}${d.open(f)}`);
      stack.push(f);
    }
    lines.push(`${pad()}${d.row(row, model)}`);
  });
  while (stack.length > 0) {
    stack.pop();
    lines.push(`${pad()}end`);
  }
  lines.push(...d.footer());
  return `${lines.join('\n')}\n`;
}
