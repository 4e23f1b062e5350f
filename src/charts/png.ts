import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const require = createRequire(import.meta.url);

/** The one font family every chart names; loaded from an npm package, never from the system. */
export const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'];

let ready: Promise<Uint8Array[]> | null = null;

/** The WebAssembly renderer gives the same pixels on every platform (no native build, no system fonts). */
function init(): Promise<Uint8Array[]> {
  ready ??= initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm'))).then(() => FONT_FILES.map((f) => readFileSync(require.resolve(f))));
  return ready;
}

/** Renders an SVG document to PNG bytes, `scale` device pixels per SVG unit. */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const fontBuffers = await init();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontBuffers, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    background: '#ffffff',
  });
  const image = resvg.render();
  const png = Buffer.from(image.asPng());
  image.free();
  resvg.free();
  return png;
}
