/**
 * Paths the editor may touch: flow files under the project root, named by
 * forward-slash paths relative to it. Absolute paths, `..`, NUL bytes and
 * symbolic links that lead out of the root are refused.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A path a request named that the project does not allow. */
export class ProjectPathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${JSON.stringify(path)}: ${reason}`);
    this.name = 'ProjectPathError';
  }
}

/** File names the editor reads and writes. */
export const FLOW_FILE_NAME = /\.flow\.ya?ml$/;

/** Capture files the editor may read (diff against a flow). */
export const CAPTURE_FILE_NAME = /\.(pcap|pcapng|cap)$/;

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** Resolves a request path to an absolute flow file path inside `root`. */
export function resolveFlowPath(root: string, path: string): Promise<string> {
  return resolveProjectFile(root, path, FLOW_FILE_NAME, 'not a .flow.yaml file');
}

/** Resolves a request path to an absolute capture file path inside `root`. */
export function resolveCapturePath(root: string, path: string): Promise<string> {
  return resolveProjectFile(root, path, CAPTURE_FILE_NAME, 'not a .pcap, .pcapng or .cap file');
}

/** Resolves a request path to a file inside `root` whose name matches `name`. */
async function resolveProjectFile(
  root: string,
  path: string,
  name: RegExp,
  wrongName: string,
): Promise<string> {
  if (path.length === 0 || path.length > 1024) throw new ProjectPathError(path, 'bad length');
  if (path.includes('\0') || path.includes('\\'))
    throw new ProjectPathError(path, 'bad characters');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    throw new ProjectPathError(path, 'absolute paths are not allowed');
  const parts = path.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === ''))
    throw new ProjectPathError(path, 'path segments "", "." and ".." are not allowed');
  if (!name.test(path)) throw new ProjectPathError(path, wrongName);
  const full = resolve(root, ...parts);
  if (!inside(root, full)) throw new ProjectPathError(path, 'outside the project');
  // A symbolic link may still lead out: check the real folder (the file may not exist yet).
  const realRoot = await realpath(root);
  let dir = dirname(full);
  for (;;) {
    try {
      const real = await realpath(dir);
      if (!inside(realRoot, real)) throw new ProjectPathError(path, 'outside the project');
      break;
    } catch (e) {
      if (e instanceof ProjectPathError) throw e;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  try {
    const real = await realpath(full);
    if (!inside(realRoot, real)) throw new ProjectPathError(path, 'outside the project');
  } catch (e) {
    if (e instanceof ProjectPathError) throw e;
  }
  return full;
}

/** The request path of an absolute file inside `root`. */
export function projectPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/** Joins a project-relative folder onto the root. */
export function projectDir(root: string, dir: string): string {
  return join(root, ...dir.split('/'));
}
