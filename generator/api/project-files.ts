/**
 * Paths the editor may touch: flow files under the project root, named by
 * forward-slash paths relative to it (absolute paths, `..`, NUL bytes and
 * symbolic links that lead out of the root are refused), and the `.yaml` or
 * `.yml` files the user opened outside it, named by their absolute real path.
 */
import { realpath, stat } from 'node:fs/promises';
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

/** Names of flow files the user may open outside the project's flows/. */
export const OPENED_FILE_NAME = /\.ya?ml$/;

/**
 * Flow files outside the project that the user opened (Open file…, or the
 * desktop's open dialog): the backend reads and writes these, by absolute
 * real path, and no other file outside the project.
 */
export class OpenedFiles {
  private readonly files = new Set<string>();

  constructor(private readonly root: string) {}

  /**
   * Checks a path the user typed or picked (absolute, or relative to the
   * root) and allows it from now on; answers the path later calls use: a
   * project path for a flow file of the project, else the absolute real path.
   */
  async open(path: string): Promise<string> {
    if (path.length === 0 || path.length > 1024) throw new ProjectPathError(path, 'bad length');
    if (path.includes('\0')) throw new ProjectPathError(path, 'bad characters');
    if (!OPENED_FILE_NAME.test(path)) throw new ProjectPathError(path, 'not a .yaml or .yml file');
    const real = await realpath(resolve(this.root, path)).catch(() => {
      throw new ProjectPathError(path, 'no such file');
    });
    if (!OPENED_FILE_NAME.test(real))
      throw new ProjectPathError(path, `leads to ${real}, which is not a .yaml or .yml file`);
    if (!(await stat(real)).isFile()) throw new ProjectPathError(path, 'not a regular file');
    const realRoot = await realpath(this.root);
    const inProject = projectPath(realRoot, real);
    if (inside(realRoot, real) && FLOW_FILE_NAME.test(real)) {
      // A flow of the project keeps its project path (watch, lint peers and recent list agree).
      const project = await resolveFlowPath(this.root, inProject).catch(() => undefined);
      if (project !== undefined) return inProject;
    }
    this.files.add(real);
    return real;
  }

  /** Resolves a request path: an opened file, or a flow file under the project root. */
  async resolve(path: string): Promise<string> {
    if (isAbsolute(path)) {
      if (this.files.has(path)) return path;
      throw new ProjectPathError(
        path,
        'was not opened with Open file…; outside flows/ only files opened that way may be read or written',
      );
    }
    return resolveFlowPath(this.root, path);
  }

  /** Paths {@link checkName} accepted lately, with when (ms). */
  private readonly named = new Map<string, number>();

  /**
   * Checks a path that a call only uses as a name (analysis, checks, preview,
   * edits, exports: nothing is read or written). Accepted paths are trusted
   * again for {@link NAME_CHECK_MS}, so each keystroke's analysis does not
   * walk the folders again; reads and writes always {@link resolve}.
   */
  async checkName(path: string): Promise<void> {
    const now = Date.now();
    const at = this.named.get(path);
    if (at !== undefined && now - at < NAME_CHECK_MS) return;
    await this.resolve(path);
    if (this.named.size > 64) this.named.clear();
    this.named.set(path, now);
  }
}

/** How long an accepted name check is reused (ms). */
export const NAME_CHECK_MS = 2000;
