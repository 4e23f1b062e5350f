/** Nests charts (each a whole SVG document of the same width) one under the other in one document. */
export function stackCharts(panels: readonly string[]): string {
  let y = 0;
  const placed = panels.map((svg) => {
    const at = y;
    y += Number(/height="([\d.]+)"/.exec(svg)![1]);
    return svg.replace('<svg ', `<svg y="${at}" `);
  });
  const width = /width="([\d.]+)"/.exec(panels[0])![1];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">\n${placed.join('\n')}</svg>\n`;
}
