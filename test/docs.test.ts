import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The project's own Markdown: the top level, docs/ and bench/. */
const files = [
  ...readdirSync('.').filter((f) => f.endsWith('.md')),
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
  ...readdirSync('bench')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('bench', f)),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (file: string) =>
  new Set(
    [
      ...readFileSync(file, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .matchAll(/^#{1,6} (.+)$/gm),
    ].map((m) => slug(m[1] ?? '')),
  );

describe('the documentation', () => {
  it('has the files a newcomer and an operator look for', () => {
    for (const f of ['README.md', 'LICENSE', 'SECURITY.md', 'CHANGELOG.md', 'CONTRIBUTING.md'])
      expect(existsSync(f), f).toBe(true);
    for (const task of [
      'getting-started',
      'configuration',
      'operations',
      'accounts',
      'identity-center',
      'security',
      'deployment',
      'benchmarks',
    ])
      expect(existsSync(`docs/${task}.md`), task).toBe(true);
  });

  it('keeps the README short: what it is, quick start, commands, links', () => {
    expect(readFileSync('README.md', 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });

  it.each(files)('%s: every relative link resolves (files and #anchors)', (file) => {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^(https?:|mailto:)/.test(target)) continue;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const resolved = path ? normalize(join(dirname(file), path)) : file;
      expect(existsSync(resolved), `${file} → ${target}`).toBe(true);
      if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md'))
        expect(anchorsOf(resolved).has(anchor), `${file} → ${target}`).toBe(true);
    }
  });
});
