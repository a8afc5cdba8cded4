/** A deterministic pseudo-random generator (mulberry32) returning floats in [0, 1). */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUM_FIELDS = ['pop', 'area', 'flag', 'id', 'pop', 'area'];
const STR_FIELDS = ['name', 'code', 'name'];
const NUM_LITERALS = ['0', '1', '-1', '42', '2.5', '0.5', '-0.5', '1e-7', '100', '3500000', '0.30000000000000004', '7', '-5', 'NULL', '3.0'];
const STR_LITERALS = ["'Berlin'", "'berlin'", "'a'", "'Z'", "''", "'5'", "'1'", "'abc'", "'Köln'", "'\u212Aiel'", "'kiel'", 'NULL', "'10'", "'Abc'"];
const PATTERNS = ["'%'", "'b%'", "'B%'", "'%in'", "'_b%'", "'%ö%'", "'k%'", "'K%'", "'%s%'", "'a\\_b'", "'a\\%b'", "'%\\\\%'", "'5%'", "'_'",
  "'%a%b%c%d%'", "'ber_in'", "'😀%'", "'straße'", 'NULL', "'%1%'", "'_ %'", "'%E%'", "'ab%'", "'%\u212A%'", "'ſ%'", "'%ß%'", "'0_'"];
const COMPARISONS = ['=', '<>', '<', '<=', '>', '>='];

/** Generates random filter expressions over the fixture fields (id, name, code, pop, area, flag, born). */
export class ExpressionGenerator {
  constructor(private readonly next: () => number) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  num(depth: number): string {
    if (depth <= 0 || this.chance(0.45)) return this.chance(0.6) ? this.pick(NUM_FIELDS) : this.pick(NUM_LITERALS);
    const d = depth - 1;
    switch (Math.floor(this.next() * 9)) {
      case 0: return `(${this.num(d)} ${this.pick(['+', '-', '*', '+', '-'])} ${this.num(d)})`;
      case 1: return `(${this.num(d)} ${this.pick(['/', '%', '//', '^'])} ${this.num(d)})`;
      case 2: return `-(${this.num(d)})`;
      case 3: return `${this.pick(['abs', 'round', 'floor', 'ceil'])}(${this.num(d)})`;
      case 4: return `length(${this.str(d)})`;
      case 5: return `coalesce(${this.num(d)}, ${this.num(d)})`;
      case 6: return `CASE WHEN ${this.cond(d)} THEN ${this.num(d)} ELSE ${this.num(d)} END`;
      case 7: return `if(${this.cond(d)}, ${this.num(d)}, ${this.num(d)})`;
      default: return `(pop % ${this.pick(['2', '3', '0', '-4'])})`;
    }
  }

  str(depth: number): string {
    if (depth <= 0 || this.chance(0.5)) return this.chance(0.6) ? this.pick(STR_FIELDS) : this.pick(STR_LITERALS);
    const d = depth - 1;
    switch (Math.floor(this.next() * 8)) {
      case 0: return `(${this.str(d)} || ${this.chance(0.7) ? this.str(d) : this.num(d)})`;
      case 1: return `substr(${this.str(d)}, ${this.pick(['1', '2', '3', '0', '-2'])}${this.chance(0.5) ? `, ${this.pick(['0', '1', '3', '-1'])}` : ''})`;
      case 2: return `left(${this.str(d)}, ${this.pick(['0', '2', '-1'])})`;
      case 3: return `${this.pick(['upper', 'lower', 'trim', 'title'])}(${this.str(d)})`;
      case 4: return `coalesce(${this.str(d)}, ${this.pick(STR_LITERALS)})`;
      case 5: return `concat(${this.str(d)}, ${this.num(d)})`;
      case 6: return `CASE WHEN ${this.cond(d)} THEN ${this.str(d)} END`;
      default: return `replace(${this.str(d)}, 'a', 'b')`;
    }
  }

  cond(depth: number): string {
    const d = depth - 1;
    const leaf = depth <= 0 || this.chance(0.4);
    const choice = Math.floor(this.next() * (leaf ? 11 : 14));
    switch (choice) {
      case 0: return `${this.num(d)} ${this.pick(COMPARISONS)} ${this.num(d)}`;
      case 1: return `${this.str(d)} ${this.pick(COMPARISONS)} ${this.str(d)}`;
      case 2: return this.chance(0.5) ? `${this.str(d)} ${this.pick(COMPARISONS)} ${this.num(d)}` : `${this.pick(STR_FIELDS)} = ${this.pick(NUM_LITERALS)}`;
      case 3: return `${this.chance(0.5) ? this.num(d) : this.chance(0.5) ? this.str(d) : 'born'} IS ${this.chance(0.5) ? 'NOT ' : ''}${this.chance(0.8) ? 'NULL' : this.num(0)}`;
      case 4: return `${this.str(d)} ${this.pick(['LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE'])} ${this.pick(PATTERNS)}`;
      case 5: {
        const numeric = this.chance(0.5);
        const n = 1 + Math.floor(this.next() * 4);
        const items = Array.from({ length: n }, () => this.pick(numeric ? NUM_LITERALS : STR_LITERALS));
        return `${numeric ? this.num(d) : this.str(d)} ${this.chance(0.3) ? 'NOT IN' : 'IN'} (${items.join(', ')})`;
      }
      case 6: return this.chance(0.6)
        ? `${this.num(d)} ${this.chance(0.3) ? 'NOT BETWEEN' : 'BETWEEN'} ${this.pick(NUM_LITERALS)} AND ${this.pick(NUM_LITERALS)}`
        : `${this.str(d)} ${this.chance(0.3) ? 'NOT BETWEEN' : 'BETWEEN'} ${this.pick(STR_LITERALS)} AND ${this.pick(STR_LITERALS)}`;
      case 7: return this.pick(['TRUE', 'FALSE', 'NULL', 'flag', 'pop', '1', '0']);
      case 8: return `starts_with(${this.str(d)}, ${this.pick(["'B'", "'Be'", "'k'", "''", "'😀'"])})`;
      case 9: return `${this.str(d)} ~ ${this.pick(["'^B'", "'n$'", "'[0-9]'", "'(?i)x'", "'a.b'"])}`;
      case 10: return `${this.pick(NUM_FIELDS)} ${this.pick(COMPARISONS)} ${this.pick(NUM_LITERALS)}`;
      case 11: return `NOT (${this.cond(d)})`;
      case 12: return `(${this.cond(d)} AND ${this.cond(d)})`;
      default: return `(${this.cond(d)} OR ${this.cond(d)}${this.chance(0.3) ? ` OR ${this.cond(d)}` : ''})`;
    }
  }

  /** A filter: one to three conditions joined by AND at the top level. */
  filter(depth: number): string {
    const n = 1 + Math.floor(this.next() * 3);
    return Array.from({ length: n }, () => this.cond(depth)).join(' AND ');
  }
}
