import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderExceptionImage } from '../../src/render/exception-image.js';
import { assertPixel, countInk } from './helpers.js';

describe('exception images', () => {
  it('writes the message inside the image, wrapped', () => {
    const c = renderExceptionImage({ width: 200, height: 100, message: 'LayerNotDefined: the layer "nowhere" does not exist in this project' });
    assert.equal(c.width, 200);
    assert.equal(c.height, 100);
    assertPixel(c, 199, 99, [255, 255, 255, 255], 0, 'white background');
    assert.ok(countInk(c, [0, 0, 200, 20], [255, 255, 255]) > 50, 'first line');
    assert.ok(countInk(c, [0, 20, 200, 40], [255, 255, 255]) > 50, 'wrapped second line');
  });

  it('is blank (and transparent on request) without a message', () => {
    const c = renderExceptionImage({ width: 64, height: 32, transparent: true });
    assert.equal(countInk(c), 0);
    const bg = renderExceptionImage({ width: 8, height: 8, background: '#336699' });
    assertPixel(bg, 4, 4, [0x33, 0x66, 0x99, 255], 0);
  });
});
