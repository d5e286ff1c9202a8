/**
 * Window-wide shortcuts. Inside Monaco its own bindings win (Ctrl+Z, Ctrl+S
 * are wired there too); in form fields typing wins.
 */
import { useEffect, useRef } from 'react';

/** What the shortcuts do. */
export interface ShortcutActions {
  save(): void;
  undo(): void;
  redo(): void;
  deleteSelected(): void;
  moveSelected(delta: number): void;
  toggleTheme(): void;
}

/** The shortcuts, for the user guide and the toolbar's tooltips. */
export const SHORTCUTS = {
  save: 'Ctrl+S',
  undo: 'Ctrl+Z',
  redo: 'Ctrl+Shift+Z / Ctrl+Y',
  deleteSelected: 'Delete',
  moveUp: 'Alt+↑',
  moveDown: 'Alt+↓',
  toggleTheme: 'Alt+T',
} as const;

function inTextField(t: EventTarget | null): { monaco: boolean; field: boolean } {
  const el = t instanceof Element ? t : null;
  const monaco = !!el?.closest('.monaco-editor');
  const field = !monaco && !!el?.closest('input, textarea, select, [contenteditable="true"]');
  return { monaco, field };
}

/** Installs the shortcuts for the lifetime of the component. */
export function useKeyboardShortcuts(actions: ShortcutActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented) return;
      const a = ref.current;
      const mod = e.ctrlKey || e.metaKey;
      const { monaco, field } = inTextField(e.target);
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        a.save();
        return;
      }
      if (e.altKey && !mod && key === 't') {
        e.preventDefault();
        a.toggleTheme();
        return;
      }
      if (monaco || field) return;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) a.redo();
        else a.undo();
      } else if (mod && key === 'y') {
        e.preventDefault();
        a.redo();
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        e.preventDefault();
        a.deleteSelected();
      } else if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
        e.preventDefault();
        a.moveSelected(e.key === 'ArrowUp' ? -1 : 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
