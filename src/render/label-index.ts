/** A uniform grid of placed label boxes, for collision tests. */

const CELL = 64;

/** Axis-aligned box [minx, miny, maxx, maxy] in pixels. */
export type Box = [number, number, number, number];

/**
 * Placed label boxes bucketed by grid cell, plus a bitmap of the pixels that lie wholly inside a
 * placed box: a candidate box that contains such a pixel certainly collides, which rejects most
 * candidates in crowded maps before their text is even evaluated.
 */
export class LabelIndex {
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: Array<Box[] | undefined>;
  /** Allocated with the first placed label. */
  private covered: Uint8Array | undefined;

  constructor(private readonly width: number, private readonly height: number) {
    this.cols = Math.max(1, Math.ceil(width / CELL));
    this.rows = Math.max(1, Math.ceil(height / CELL));
    this.cells = new Array<Box[] | undefined>(this.cols * this.rows);
  }

  /** Whether the pixel (x, y) (floored) lies wholly inside a placed box. */
  isCovered(x: number, y: number): boolean {
    const px = Math.floor(x);
    const py = Math.floor(y);
    if (!this.covered || px < 0 || py < 0 || px >= this.width || py >= this.height) return false;
    return this.covered[py * this.width + px] === 1;
  }

  /** Whether a box overlaps any placed box. */
  collides(box: Box): boolean {
    let hit = false;
    this.visit(box, (cell) => {
      for (const b of cell) {
        if (b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]) {
          hit = true;
          return true;
        }
      }
      return false;
    });
    return hit;
  }

  /** Whether any of several boxes overlaps a placed box. */
  collidesAny(boxes: readonly Box[]): boolean {
    for (const b of boxes) if (this.collides(b)) return true;
    return false;
  }

  /** Records a placed box. */
  insert(box: Box): void {
    const x0 = Math.max(0, Math.ceil(box[0]));
    const x1 = Math.min(this.width, Math.floor(box[2]));
    const y0 = Math.max(0, Math.ceil(box[1]));
    const y1 = Math.min(this.height, Math.floor(box[3]));
    const covered = (this.covered ??= new Uint8Array(this.width * this.height));
    for (let y = y0; y < y1; y++) covered.fill(1, y * this.width + x0, y * this.width + Math.max(x0, x1));
    const [c0, c1, r0, r1] = this.cellRange(box);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const i = r * this.cols + c;
        (this.cells[i] ??= []).push(box);
      }
    }
  }

  /** First and last grid column and row a box touches. */
  private cellRange(box: Box): [number, number, number, number] {
    return [this.clampCol(box[0]), this.clampCol(box[2]), this.clampRow(box[1]), this.clampRow(box[3])];
  }

  private visit(box: Box, fn: (cell: Box[]) => boolean): void {
    const [c0, c1, r0, r1] = this.cellRange(box);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = this.cells[r * this.cols + c];
        if (cell && fn(cell)) return;
      }
    }
  }

  private clampCol(x: number): number {
    return Math.max(0, Math.min(this.cols - 1, Math.floor(x / CELL)));
  }

  private clampRow(y: number): number {
    return Math.max(0, Math.min(this.rows - 1, Math.floor(y / CELL)));
  }
}
