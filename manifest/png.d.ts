// Types for manifest/png.js.
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer;
export function decodePng(buf: Buffer): {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** RGBA pixels for 8-bit non-interlaced greyscale+alpha or RGBA images; null otherwise. */
  pixels: Uint8Array | null;
};
export function crc32(buf: Uint8Array): number;
