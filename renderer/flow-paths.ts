/** How the renderer names flow files: project paths, and files opened outside flows/. */

/** True for a file opened outside the project (the backend names it by absolute path). */
export function isOpenedFile(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
}

/** The name a list shows: `poc/leave-on-demand` for a project flow, the file name otherwise. */
export function shortFlowName(path: string): string {
  if (isOpenedFile(path)) return path.split(/[\\/]/).pop() ?? path;
  return path.replace(/^flows\//, '').replace(/\.flow\.ya?ml$/, '');
}
