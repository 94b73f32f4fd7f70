import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
