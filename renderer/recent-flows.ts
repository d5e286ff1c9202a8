/** The flows opened last, kept in local storage for the flow browser. */
import { useCallback, useState } from 'react';

const KEY = 'flowspec.recent';
/** How many recent flows are kept. */
export const RECENT_LIMIT = 6;

function load(): string[] {
  try {
    const v: unknown = JSON.parse(window.localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Recent flow paths, newest first, and the function that records an opened one. */
export function useRecentFlows(): [readonly string[], (path: string) => void] {
  const [recent, setRecent] = useState<string[]>(load);
  const remember = useCallback((path: string) => {
    setRecent((r) => {
      const next = [path, ...r.filter((p) => p !== path)].slice(0, RECENT_LIMIT);
      window.localStorage.setItem(KEY, JSON.stringify(next));
      return next;
    });
  }, []);
  return [recent, remember];
}
