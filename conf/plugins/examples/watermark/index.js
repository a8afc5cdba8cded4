// The cookbook's WatermarkFilter: in responseComplete, a WMS GetMap image that no filter or service
// turned into an exception is decoded, media/watermark.png is drawn over it at (20, 20) scaled to
// 40 × 40 pixels, and the image is encoded again in the format asked (PNG or JPEG; other formats are
// left as they are) and put back in place of the body.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas, loadImage } from 'canvas';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The encoding for a GetMap FORMAT: PNG (any mode), JPEG, or null for formats this example leaves alone. */
function outputType(format) {
  const f = (format ?? '').toLowerCase();
  if (f.includes('png')) return 'image/png';
  if (f.includes('jpeg') || f.includes('jpg')) return 'image/jpeg';
  return null;
}

export async function serverClassFactory(serverIface, ows) {
  const watermark = await loadImage(readFileSync(path.join(here, 'media', 'watermark.png')));

  class WatermarkFilter extends ows.ServerFilter {
    async responseComplete() {
      const request = this.serverInterface().requestHandler();
      const params = request.parameterMap();
      if ((params.get('SERVICE') ?? '').toUpperCase() !== 'WMS') return;
      if ((params.get('REQUEST') ?? '').toUpperCase() !== 'GETMAP' || request.exceptionRaised()) return;
      const type = outputType(request.parameter('FORMAT'));
      if (!type || !(request.responseHeader('Content-Type') ?? '').startsWith('image/')) return;
      serverIface.log().debug({ format: request.parameter('FORMAT') }, 'WatermarkFilter.responseComplete: image ready');
      let image;
      try {
        image = await loadImage(request.body());
      } catch (err) {
        serverIface.log().warn({ reason: err.message }, 'WatermarkFilter: the GetMap body is not an image it can read; left as it is');
        return;
      }
      const canvas = createCanvas(image.width, image.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(image, 0, 0);
      ctx.drawImage(watermark, 20, 20, 40, 40);
      const body = type === 'image/png' ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg', { quality: 0.9 });
      request.clearBody();
      request.appendBody(body);
    }
  }

  serverIface.registerFilter(new WatermarkFilter(serverIface), 200);
  return { name: 'Watermark' };
}
