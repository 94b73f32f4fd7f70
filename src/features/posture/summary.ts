import { change, type SeriesKey, type WeekPoint } from './domain.js';

/** The four series the weekly picture draws, and how each is named. */
export const PANELS: readonly {
  key: SeriesKey;
  title: (maxAge: number) => string;
  color: string;
  max?: number;
}[] = [
  { key: 'mfaCoverage', title: () => 'IAM users with MFA (%)', color: '#2e7d32', max: 100 },
  { key: 'keysOverMax', title: (d) => `Active keys older than ${d} days`, color: '#c62828' },
  { key: 'unusedKeys', title: () => 'Unused active keys', color: '#ef6c00' },
  { key: 'peopleOnIdentityCenter', title: () => 'People on IAM Identity Center', color: '#1565c0' },
];

/** One sentence for the channel and the picture's alt text: where each series started and where it is now. */
export function postureSummary(
  points: readonly WeekPoint[],
  keyMaxAgeDays: number,
): { summary: string; alt: string } {
  const parts: string[] = [];
  const alt: string[] = [];
  for (const p of PANELS) {
    const c = change(points, p.key);
    if (!c) continue;
    const unit = p.key === 'mfaCoverage' ? '%' : '';
    const delta = Math.round((c.to - c.from) * 10) / 10;
    const deltaUnit = p.key === 'mfaCoverage' ? ' pts' : '';
    parts.push(`${p.title(keyMaxAgeDays)}: ${c.to}${unit} (${delta >= 0 ? '+' : ''}${delta}${deltaUnit})`);
    alt.push(`${p.title(keyMaxAgeDays).toLowerCase()} from ${c.from}${unit} to ${c.to}${unit}`);
  }
  const weeks = points.length;
  return {
    summary: parts.length
      ? `Last ${weeks} weeks — ${parts.join(' · ')}`
      : `No scans in the last ${weeks} weeks.`,
    alt: `Four line charts over the last ${weeks} weeks${alt.length ? `: ${alt.join('; ')}` : ', without data'}.`,
  };
}

/**
 * The weekly picture with its summary and alt text. The charting libraries (chart.ts) are loaded here, on first use:
 * a process that never draws one (a scan, `jobs`, a reply to a click) does not carry them.
 */
export async function drawPosture(
  points: readonly WeekPoint[],
  options: { readonly keyMaxAgeDays: number; readonly title: string },
): Promise<{ png: Buffer; summary: string; alt: string }> {
  const { renderPostureChart } = await import('./chart.js');
  return { png: renderPostureChart(points, options), ...postureSummary(points, options.keyMaxAgeDays) };
}
