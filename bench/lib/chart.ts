/** A hand-written SVG bar chart: no dependency, readable in any browser or on GitHub. */

export interface Bar {
  label: string;
  value: number;
  text: string;
  highlight?: boolean;
}

export interface Panel {
  title: string;
  bars: Bar[];
  /** Log scale for values spanning orders of magnitude. */
  log?: boolean;
}

const WIDTH = 860;
const LABEL_WIDTH = 330;
const BAR_AREA = 400;
const ROW = 22;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderChart(title: string, subtitle: string, panels: Panel[]): string {
  const parts: string[] = [];
  let y = 56;
  for (const panel of panels) {
    parts.push(`<text x="16" y="${y}" class="h">${escape(panel.title)}</text>`);
    y += 12;
    const values = panel.bars.map((bar) => bar.value).filter((value) => value > 0);
    const max = Math.max(...values, 1);
    const min = panel.log ? Math.min(...values, 1) / 2 : 0;
    const scale = (value: number): number => {
      if (value <= 0) return 0;
      if (!panel.log) return (value / max) * BAR_AREA;
      return (Math.log10(value / min) / Math.log10(max / min)) * BAR_AREA;
    };
    for (const bar of panel.bars) {
      const width = Math.max(scale(bar.value), bar.value > 0 ? 2 : 0);
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" class="l">${escape(bar.label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" class="${bar.highlight ? 'b1' : 'b0'}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 15}" class="v">${escape(bar.text)}</text>`,
      );
      y += ROW;
    }
    y += 26;
  }
  const height = y;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.t{font-size:17px;font-weight:600}.s{font-size:12px;fill:#555}.h{font-size:14px;font-weight:600}.l{font-size:12px;text-anchor:end}.v{font-size:12px;fill:#333}.b0{fill:#9aa5b1}.b1{fill:#2f6fdb}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="16" y="24" class="t">${escape(title)}</text>`,
    `<text x="16" y="42" class="s">${escape(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
