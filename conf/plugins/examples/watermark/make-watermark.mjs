// Writes media/watermark.png, the 64 × 64 mark the filter draws (run: node make-watermark.mjs).
// A dark blue rounded square at 85 % opacity with a white "W"; committed, so only run it to change the mark.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas } from 'canvas';

const size = 64;
const canvas = createCanvas(size, size);
const ctx = canvas.getContext('2d');
ctx.globalAlpha = 0.85;
ctx.fillStyle = '#1f3f8f';
ctx.beginPath();
ctx.roundRect(2, 2, size - 4, size - 4, 8);
ctx.fill();
ctx.globalAlpha = 1;
ctx.fillStyle = '#ffffff';
ctx.font = 'bold 40px DejaVu Sans';
ctx.textAlign = 'center';
ctx.textBaseline = 'middle';
ctx.fillText('W', size / 2, size / 2 + 2);
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'media', 'watermark.png');
writeFileSync(file, canvas.toBuffer('image/png', { compressionLevel: 9 }));
console.log(`wrote ${file}`);
