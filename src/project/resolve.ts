import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidParameterError, SecurityError } from '../errors/ogc-error.js';

/**
 * Resolves a MAP parameter to a file inside the projects directory. Absolute paths, `..` that
 * leaves the directory and symlinks that point out of it are refused with a security exception.
 */
export async function resolveProjectPath(map: string, projectsDir: string | null): Promise<string> {
  if (!projectsDir) throw new SecurityError('MAP is not accepted: the server has no projects directory (OWS_PROJECTS_DIR)', 'MAP');
  if (path.isAbsolute(map) || map.includes('\0')) throw new SecurityError('MAP must be a path relative to the projects directory', 'MAP');
  const root = await realpath(projectsDir);
  const candidate = path.resolve(root, map);
  if (!isInside(root, candidate)) throw new SecurityError('MAP points outside the projects directory', 'MAP');
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new InvalidParameterError('MAP', `Project '${map}' does not exist`);
  }
  if (!isInside(root, real)) throw new SecurityError('MAP points outside the projects directory', 'MAP');
  if (!(await stat(real)).isFile()) throw new InvalidParameterError('MAP', `Project '${map}' is not a file`);
  return real;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
}
