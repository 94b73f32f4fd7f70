import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOpenAction } from '../../../../src/features/checklist/domain/action-coverage.js';
import { evaluateCondition } from '../../../../src/features/checklist/domain/iam-conditions.js';
import {
  evaluateMfaPolicies,
  MFA_SETUP_ACTIONS,
  type PolicyVerdict,
  requestContexts,
} from '../../../../src/features/checklist/domain/mfa-policy.js';
import type { AttachedPolicy } from '../../../../src/kernel/domain/types.js';
import { alice as USER } from '../../../fixtures/facts.js';

const ACTIONS = [
  '*',
  'iam:*',
  's3:*',
  's3:Get*',
  's3:?etObject',
  'ec2:Describe*',
  'iam:CreateAccessKey',
  'iam:*MFA*',
  'iam:List*',
  'iam:EnableMFADevice',
  'iam:CreateVirtualMFADevice',
  'sts:GetSessionToken',
  'sts:*',
  '*:Get*',
  'kms:Decrypt',
];
const CONDITIONS = [
  undefined,
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { Null: { 'aws:MultiFactorAuthAge': 'true' } },
  { Null: { 'aws:MultiFactorAuthPresent': 'true' } },
  { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } },
  { StringNotEquals: { 'aws:MultiFactorAuthPresent': 'true' } },
  { StringEquals: { 'aws:username': 'alice' } },
  { Bool: { 'aws:SecureTransport': 'false' } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'x*' } },
];

const statement = fc.record({
  Effect: fc.constantFrom('Deny', 'Deny', 'Deny', 'Allow'),
  actions: fc.subarray(ACTIONS, { minLength: 1, maxLength: 4 }),
  not: fc.boolean(),
  Resource: fc.constantFrom('*', '*', '*', 'arn:aws:s3:::bucket/*'),
  Condition: fc.constantFrom(...CONDITIONS),
});
type Stmt = typeof statement extends fc.Arbitrary<infer T> ? T : never;
const toJson = (s: Stmt) => ({
  Effect: s.Effect,
  [s.not ? 'NotAction' : 'Action']: s.actions,
  Resource: s.Resource,
  ...(s.Condition ? { Condition: s.Condition } : {}),
});
const policiesArb = fc.array(fc.array(statement, { minLength: 1, maxLength: 3 }), {
  minLength: 1,
  maxLength: 3,
});
const attach = (policies: Stmt[][]): AttachedPolicy[] =>
  policies.map((statements, i) => ({
    source: { kind: 'user-inline', policyName: `p${i}` },
    document: { Version: '2012-10-17', Statement: statements.map(toJson) },
  }));
const evaluate = (policies: Stmt[][]) => evaluateMfaPolicies(attach(policies), USER);
const results = (v: PolicyVerdict) => ({
  kind: v.kind,
  console: v.outcomes.console.result,
  accessKey: v.outcomes.accessKey.result,
  withMfa: v.outcomes.withMfa.result,
});
const kinds = ['console', 'accessKey', 'withMfa'] as const;
/** IAM's wildcards, written out here independently of the code under test. */
const regex = (p: string) =>
  new RegExp(
    `^${p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
const RUNS = { numRuns: 300 };

describe('the MFA-policy evaluator: properties', () => {
  it('adding a Deny never turns a denied request into an allowed one, nor a certain answer into a doubt', () => {
    fc.assert(
      fc.property(policiesArb, statement, fc.nat(), (policies, extra, at) => {
        const before = evaluate(policies);
        const more = policies.map((p) => [...p]);
        more[at % more.length]?.push({ ...extra, Effect: 'Deny' });
        const after = evaluate(more);
        for (const k of kinds) {
          if (before.outcomes[k].result === 'denied') expect(after.outcomes[k].result).toBe('denied');
          if (before.outcomes[k].result === 'unknown') expect(after.outcomes[k].result).not.toBe('open');
        }
      }),
      RUNS,
    );
  });

  it('the order of statements and of policies never matters', () => {
    fc.assert(
      fc.property(policiesArb, fc.nat(), (policies, seed) => {
        const shuffled = [...policies]
          .map((p, i) =>
            [...p].sort(
              (a, b) => ((JSON.stringify(a).length + seed + i) % 3) - (JSON.stringify(b).length % 3),
            ),
          )
          .reverse();
        expect(results(evaluate(shuffled))).toEqual(results(evaluate(policies)));
      }),
      RUNS,
    );
  });

  it('Allow statements never change the verdict (only an explicit deny does)', () => {
    fc.assert(
      fc.property(policiesArb, (policies) => {
        const denies = policies.map((p) => p.filter((s) => s.Effect === 'Deny')).filter((p) => p.length > 0);
        const withoutAllows = denies.length > 0 ? evaluate(denies) : evaluate([[]]);
        expect(results(evaluate(policies))).toEqual(results(withoutAllows));
      }),
      RUNS,
    );
  });

  it('splitting a statement by its actions changes nothing', () => {
    fc.assert(
      fc.property(policiesArb, (policies) => {
        const split = policies.map((p) =>
          p.flatMap((s) => (s.not ? [s] : s.actions.map((a) => ({ ...s, actions: [a] })))),
        );
        expect(results(evaluate(split))).toEqual(results(evaluate(policies)));
      }),
      RUNS,
    );
  });

  it('agrees with a direct check of each statement: "denied" leaves no sample action open, "open" shows one', () => {
    const samples = [
      ...ACTIONS.filter((a) => !a.includes('*') && !a.includes('?')),
      'iam:DeactivateMFADevice',
      'iam:ListAccessKeys',
      'iam:ListMFADevices',
      's3:PutObject',
      's3:GetObject',
      'ec2:RunInstances',
      'lambda:GetFunction',
      'sts:AssumeRole',
    ];
    fc.assert(
      fc.property(policiesArb, (policies) => {
        const verdict = evaluate(policies);
        for (const k of kinds) {
          const context = requestContexts(USER)[k];
          const deniedBy = (action: string, certain: boolean) =>
            policies.flat().some((s) => {
              if (s.Effect !== 'Deny' || s.Resource !== '*') return false;
              const c = evaluateCondition(s.Condition, context).value;
              if (certain ? c !== true : c === false) return false;
              const hit = s.actions.some((a) => regex(a).test(action));
              return s.not ? !hit : hit;
            });
          const outcome = verdict.outcomes[k];
          const open = samples.filter((a) => !MFA_SETUP_ACTIONS.has(a.toLowerCase()));
          if (outcome.result === 'denied')
            for (const a of open) expect(deniedBy(a, true), `${k} ${a}`).toBe(true);
          if (outcome.result === 'open') {
            expect(MFA_SETUP_ACTIONS.has(outcome.example.toLowerCase())).toBe(false);
            expect(deniedBy(outcome.example, false), `${k} ${outcome.example}`).toBe(false);
          }
        }
      }),
      RUNS,
    );
  });

  it('the coverage search finds an open action exactly when a brute-force look over short names does', () => {
    const pattern = fc.stringMatching(/^[ab:*?]{1,5}$/);
    fc.assert(
      fc.property(
        fc.array(fc.array(pattern, { minLength: 1, maxLength: 2 }), { maxLength: 2 }),
        fc.array(pattern, { maxLength: 3 }),
        (required, excluded) => {
          const answer = findOpenAction({ required, excluded });
          const names: string[] = [];
          const grow = (prefix: string, depth: number) => {
            if (/^[abc-]+:[abc]+$/.test(prefix)) names.push(prefix);
            if (depth === 0) return;
            for (const ch of ['a', 'b', 'c', ':']) grow(prefix + ch, depth - 1);
          };
          grow('', 7);
          const open = names.find(
            (n) =>
              required.every((g) => g.some((p) => regex(p).test(n))) &&
              !excluded.some((p) => regex(p).test(n)),
          );
          if (open) expect(answer.open).toBe(true);
          if (answer.open === true) {
            expect(required.every((g) => g.some((p) => regex(p).test(answer.example)))).toBe(true);
            expect(excluded.some((p) => regex(p).test(answer.example))).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
