/** Types for upng-js (PNG encoder/decoder with palette quantisation; the package ships none). */
declare module 'upng-js' {
  interface DecodedImage {
    width: number;
    height: number;
    depth: number;
    ctype: number;
    data: ArrayBuffer;
    tabs: Record<string, unknown>;
  }
  const UPNG: {
    /** Encodes RGBA frames; `colors` 0 is lossless, else the palette size (quantised). */
    encode(frames: ArrayBuffer[], width: number, height: number, colors: number, delays?: number[]): ArrayBuffer;
    decode(buffer: ArrayBuffer): DecodedImage;
    toRGBA8(image: DecodedImage): ArrayBuffer[];
  };
  export default UPNG;
}
