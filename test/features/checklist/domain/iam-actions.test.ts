import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOSED_SERVICES } from '../../../../src/features/checklist/domain/iam-actions.js';

const commands = (pkg: string) =>
  readdirSync(`node_modules/@aws-sdk/${pkg}/dist-types/commands`)
    .filter((f) => f.endsWith('Command.d.ts'))
    .map((f) => f.replace(/Command\.d\.ts$/, ''));

describe('the IAM and STS action lists', () => {
  // A NotAction wildcard is judged by these lists: an action missing here could be exempted unseen.
  it.each([
    ['iam', 'client-iam'],
    ['sts', 'client-sts'],
  ])('%s lists every operation of the installed SDK', (service, pkg) => {
    const listed = new Set(CLOSED_SERVICES[service]);
    expect(commands(pkg).filter((c) => !listed.has(c))).toEqual([]);
    expect(listed.size).toBeGreaterThan(10);
  });
});
