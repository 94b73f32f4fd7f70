import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'([^']+)'/g)].map((m) => m[1] ?? '');

const all = files('src');
const isDomain = (f: string) => /^src\/(kernel\/domain\/|features\/[^/]+\/domain(\.ts|\/))/.test(f);
const isSlackSide = (f: string) => /\/slack\//.test(f);

// Dependencies point inward: domain ← use cases ← adapters (aws, slack, store) ← main.
describe('dependency direction', () => {
  it('keeps the domain pure: no SDKs, no environment, no clock reads, only other domain code', () => {
    const domain = all.filter(isDomain);
    expect(domain.length).toBeGreaterThan(10);
    for (const file of domain) {
      const text = readFileSync(file, 'utf8');
      expect(
        imports(file).filter(
          (i) => !i.startsWith('.') || /\/(adapters|slack|people|outbox|workflow)\//.test(i),
        ),
        file,
      ).toEqual([]);
      expect(text, file).not.toMatch(/process\.env|Date\.now\(\)|new Date\(\)/);
    }
  });

  it('keeps use cases free of Slack and AWS SDKs and of adapters', () => {
    for (const file of all.filter((f) => /^src\/(features|kernel)\//.test(f) && !isSlackSide(f)))
      expect(
        imports(file).filter((i) => /^@slack|^@aws-sdk|\/adapters\//.test(i)),
        file,
      ).toEqual([]);
  });

  it('keeps Slack listeners away from the AWS SDK and AWS away from Slack', () => {
    for (const file of all.filter(isSlackSide))
      expect(
        imports(file).filter((i) => /^@aws-sdk|\/adapters\/aws\//.test(i)),
        file,
      ).toEqual([]);
    for (const file of files('src/adapters/aws'))
      expect(
        imports(file).filter((i) => /^@slack|\/slack\//.test(i)),
        file,
      ).toEqual([]);
  });
});

/** The files of src/ a file imports (relative imports, resolved; `.js` in an import is the `.ts` beside it). */
const localImports = (file: string) =>
  imports(file)
    .filter((i) => i.startsWith('.'))
    .map((i) => normalize(join(dirname(file), i)).replace(/\.js$/, '.ts'));

const featureOf = (f: string) => /^src\/features\/([^/]+)\//.exec(f)?.[1];

describe('one kernel, feature folders', () => {
  it('has no import cycles', () => {
    const graph = new Map(all.map((f) => [f, localImports(f).filter((i) => all.includes(i))]));
    const done = new Set<string>();
    const cycles: string[][] = [];
    const visit = (f: string, path: string[]) => {
      if (path.includes(f)) {
        cycles.push([...path.slice(path.indexOf(f)), f]);
        return;
      }
      if (done.has(f)) return;
      for (const next of graph.get(f) ?? []) visit(next, [...path, f]);
      done.add(f);
    };
    for (const f of all) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('keeps the kernel free of features, adapters and wiring', () => {
    for (const file of all.filter((f) => f.startsWith('src/kernel/')))
      expect(
        localImports(file).filter((i) => /^src\/(features|adapters|wiring|jobs)\//.test(i)),
        file,
      ).toEqual([]);
  });

  it("lets a feature use another only through that feature's index.ts (its Slack surfaces through slack/index.ts)", () => {
    for (const file of all.filter((f) => featureOf(f))) {
      const mine = featureOf(file);
      const foreign = localImports(file).filter((i) => featureOf(i) && featureOf(i) !== mine);
      const allowed = (i: string) =>
        i === `src/features/${featureOf(i)}/index.ts` ||
        (isSlackSide(file) && i === `src/features/${featureOf(i)}/slack/index.ts`);
      expect(
        foreign.filter((i) => !allowed(i)),
        file,
      ).toEqual([]);
    }
  });

  it('keeps Slack listeners away from the stores: they act through use cases', () => {
    for (const file of all.filter((f) => isSlackSide(f) || f.startsWith('src/adapters/slack/')))
      expect(
        localImports(file).filter((i) => i.startsWith('src/adapters/store/')),
        file,
      ).toEqual([]);
  });

  it('keeps SQL in src/adapters/store only', () => {
    const sql = /\b(SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/;
    for (const file of all.filter((f) => !f.startsWith('src/adapters/store/')))
      expect(sql.test(readFileSync(file, 'utf8')), file).toBe(false);
  });

  it('wires everything in one place: only src/wiring (and the doctor, which opens no store) builds clients', () => {
    const builders = /\b(createStores|createAccountPorts|new WebClient)\(/;
    const roots = /^src\/(wiring|adapters|doctor)\//;
    for (const file of all.filter((f) => !roots.test(f)))
      expect(builders.test(readFileSync(file, 'utf8')), file).toBe(false);
  });
});

describe('memory', () => {
  it('the charting libraries (~90 MiB) load only when a picture is drawn: chart.ts alone imports them, dynamically', () => {
    const heavy = (i: string) =>
      ['echarts', '@resvg/resvg-js', '@expo-google-fonts/inter'].some(
        (h) => i === h || i.startsWith(`${h}/`),
      ) || /(^|\/)chart\.js$/.test(i);
    for (const file of all.filter((f) => f !== 'src/features/posture/chart.ts'))
      expect(imports(file).filter(heavy), file).toEqual([]);
    expect(readFileSync('src/features/posture/summary.ts', 'utf8')).toContain("await import('./chart.js')");
  });
});
