/**
 * Problems found in a project file, each naming the file, the layer (by its path in the tree and its name)
 * and the field at fault: `demo/project.yaml: layers[2] 'cities' styles[0].fill: 'red!' is not a colour`.
 */

/** A project file that cannot be loaded; `problems` lists every problem found, one line each. */
export class ProjectError extends Error {
  /** Absolute path of the project file. */
  readonly fileName: string;
  /** One line per problem, each starting with the file's display name. */
  readonly problems: readonly string[];

  constructor(fileName: string, problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ProjectError';
    this.fileName = fileName;
    this.problems = problems;
  }
}

/** Where a node of the layer tree sits in the file: `layers[0].layers[2]`, its name, and whether it is a group. */
export interface NodeLocation {
  path: string;
  name: string | undefined;
  group: boolean;
}

/** Describes a place in the file: the node (if any) followed by the field path inside it. */
export function describe(node: NodeLocation | null, field: string): string {
  if (!node) return field || '(file)';
  const who = node.name === undefined ? node.path : `${node.path} ${node.group ? 'group ' : ''}'${node.name}'`;
  return field ? `${who} ${field}` : who;
}

/** Collects problems while a project is checked (layers are checked concurrently), then throws them all in file order. */
export class Problems {
  readonly #display: string;
  readonly #entries: Array<{ order: number[]; line: string }> = [];

  constructor(displayName: string) {
    this.#display = displayName;
  }
  /** Adds a problem at a place in the file. */
  add(node: NodeLocation | null, field: string, message: string): void {
    const order = node ? (node.path.match(/\d+/g) ?? []).map(Number) : [-1];
    this.#entries.push({ order, line: `${this.#display}: ${describe(node, field)}: ${message}` });
  }
  /** Adds a problem that concerns the whole file (it cannot be read or parsed). */
  addFile(message: string): void {
    this.#entries.push({ order: [-2], line: `${this.#display}: ${message}` });
  }
  /** Number of problems so far. */
  get count(): number {
    return this.#entries.length;
  }
  /** Throws a ProjectError listing every problem (the whole file's, the service's, then layer by layer), if there is one. */
  throwIfAny(fileName: string): void {
    if (this.#entries.length === 0) return;
    const sorted = [...this.#entries].sort((a, b) => compareOrder(a.order, b.order)); // stable: same node keeps its order
    throw new ProjectError(fileName, sorted.map((e) => e.line));
  }
}

/** Orders tree paths as they appear in the file: [0] < [0, 0] < [0, 1] < [1]. */
export function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Joins a field path: ['styles', 0, 'fill'] -> 'styles[0].fill'. */
export function fieldPath(parts: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** Quotes a value for a message: strings in single quotes, the rest as JSON. */
export function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}

/** The closest candidate to a misspelt word (edit distance at most 2), for "did you mean" hints. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
