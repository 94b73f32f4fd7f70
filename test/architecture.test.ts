import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');

// Dependencies point inward: domain ← services ← adapters (aws, slack) ← main.
describe('dependency direction', () => {
  it('keeps the domain pure: no SDKs, no environment, no clock reads', () => {
    for (const file of files('src/domain')) {
      const text = readFileSync(file, 'utf8');
      expect(
        imports(file).filter((i) => !i.startsWith('./')),
        file,
      ).toEqual([]);
      expect(text, file).not.toMatch(/process\.env|Date\.now\(\)|new Date\(\)/);
    }
  });

  it('keeps services free of Slack and AWS SDKs and of adapters', () => {
    for (const file of files('src/services')) {
      expect(
        imports(file).filter((i) => /^@slack|^@aws-sdk|\/(aws|slack)\//.test(i)),
        file,
      ).toEqual([]);
    }
  });

  it('keeps Slack listeners away from the AWS SDK and AWS away from Slack', () => {
    for (const file of files('src/slack'))
      expect(
        imports(file).filter((i) => /^@aws-sdk|\/aws\//.test(i)),
        file,
      ).toEqual([]);
    for (const file of files('src/aws'))
      expect(
        imports(file).filter((i) => /^@slack|\/slack\//.test(i)),
        file,
      ).toEqual([]);
  });
});
