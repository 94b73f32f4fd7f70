import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { WeekPoint } from './domain.js';
import { PANELS, postureSummary } from './summary.js';

const require = createRequire(import.meta.url);
/** The font is shipped in an npm package: no system fonts are needed (a slim container has none). */
const FONT = require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf');
const FONT_BOLD = require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf');

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 760;

const label = (d: Date) => d.toISOString().slice(5, 10);

/**
 * Loaded only when a picture is drawn (`drawPostureChart`): ECharts, resvg and the fonts cost about 90 MiB of memory, which a
 * scan or a reply to a click should not carry.
 *
 * The weekly picture as a PNG: four small line charts (MFA coverage, old keys, unused keys, people on Identity
 * Center), one point per week. Drawn with Apache ECharts' server-side SVG renderer and rasterised by resvg: both from
 * npm, with no download at install or run time and no native build to maintain (resvg ships prebuilt binaries).
 */
export function renderPostureChart(
  points: readonly WeekPoint[],
  options: { readonly keyMaxAgeDays: number; readonly title: string },
): Buffer {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  const grid = (i: number) => ({
    left: (i % 2) * 600 + 60,
    top: Math.floor(i / 2) * 330 + 120,
    width: 480,
    height: 200,
  });
  const weeks = points.map((p) => label(p.weekStart));
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: 'Inter' },
    title: [
      { text: options.title, left: 24, top: 18, textStyle: { fontSize: 24, fontWeight: 600 } },
      {
        text: postureSummary(points, options.keyMaxAgeDays).summary,
        left: 24,
        top: 56,
        textStyle: { fontSize: 13, fontWeight: 400, color: '#555', width: 1150, overflow: 'truncate' },
      },
      ...PANELS.map((p, i) => ({
        text: p.title(options.keyMaxAgeDays),
        left: grid(i).left - 10,
        top: grid(i).top - 40,
        textStyle: { fontSize: 16, fontWeight: 600 },
      })),
    ],
    grid: PANELS.map((_, i) => grid(i)),
    xAxis: PANELS.map((_, i) => ({
      type: 'category',
      data: weeks,
      gridIndex: i,
      axisLabel: { fontSize: 11 },
    })),
    yAxis: PANELS.map((p, i) => ({
      type: 'value',
      gridIndex: i,
      min: 0,
      ...(p.max ? { max: p.max } : {}),
      minInterval: 1,
    })),
    series: PANELS.map((p, i) => ({
      type: 'line',
      name: p.title(options.keyMaxAgeDays),
      data: points.map((pt) => pt[p.key] ?? null),
      connectNulls: true,
      xAxisIndex: i,
      yAxisIndex: i,
      color: p.color,
      lineStyle: { width: 3 },
      label: { show: true, fontSize: 11 },
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return Buffer.from(
    new Resvg(svg, {
      font: { fontFiles: [FONT, FONT_BOLD], loadSystemFonts: false, defaultFontFamily: 'Inter' },
    })
      .render()
      .asPng(),
  );
}
