import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  type RequestContext,
} from '../../../../src/features/checklist/domain/iam-conditions.js';

const ctx = (entries: Record<string, string[] | null>): RequestContext =>
  new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));
const present = ctx({
  'aws:MultiFactorAuthPresent': ['true'],
  'aws:MultiFactorAuthAge': ['60'],
  'aws:username': ['alice'],
  'aws:PrincipalArn': ['arn:aws:iam::123456789012:user/alice'],
  'aws:CurrentTime': ['2026-11-27T10:00:00Z'],
  'aws:SourceIp': ['10.1.2.3'],
  'aws:TagKeys': ['team', 'env'],
});
const absent = ctx({
  'aws:MultiFactorAuthPresent': null,
  'aws:MultiFactorAuthAge': null,
  'aws:TagKeys': null,
});
const value = (condition: unknown, context = present) => evaluateCondition(condition, context).value;

describe('IAM condition operators', () => {
  it.each<[string, unknown, boolean | 'unknown']>([
    ['StringEquals', { StringEquals: { 'aws:username': 'alice' } }, true],
    ['StringEquals is case-sensitive', { StringEquals: { 'aws:username': 'Alice' } }, false],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, true],
    ['StringNotEquals', { StringNotEquals: { 'aws:username': ['bob', 'carol'] } }, true],
    ['StringNotEquals one of the values', { StringNotEquals: { 'aws:username': ['bob', 'alice'] } }, false],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, false],
    ['StringLike', { StringLike: { 'aws:username': 'a?i*' } }, true],
    ['StringNotLike', { StringNotLike: { 'aws:username': 'b*' } }, true],
    [
      'policy variable',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
      { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/${aws:username}' } },
      true,
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
    ['unknown policy variable', { StringEquals: { 'aws:username': '${aws:userid}' } }, 'unknown'],
    ['NumericLessThan', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, true],
    ['NumericGreaterThan', { NumericGreaterThan: { 'aws:MultiFactorAuthAge': 3600 } }, false],
    ['NumericEquals', { NumericEquals: { 'aws:MultiFactorAuthAge': '60' } }, true],
    ['NumericNotEquals', { NumericNotEquals: { 'aws:MultiFactorAuthAge': '60' } }, false],
    ['NumericLessThanEquals', { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '60' } }, true],
    ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '61' } }, false],
    ['a value that is not a number', { NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' } }, 'unknown'],
    ['DateLessThan (ISO)', { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } }, true],
    ['DateGreaterThan (epoch seconds)', { DateGreaterThan: { 'aws:CurrentTime': '1900000000' } }, false],
    ['DateEquals', { DateEquals: { 'aws:CurrentTime': '2026-11-27T10:00:00Z' } }, true],
    ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2026-11-27T10:00:00Z' } }, false],
    ['DateLessThanEquals', { DateLessThanEquals: { 'aws:CurrentTime': '2026-11-27T10:00:00Z' } }, true],
    ['DateGreaterThanEquals', { DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-28' } }, false],
    ['Bool', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, true],
    ['Bool with a boolean', { Bool: { 'aws:MultiFactorAuthPresent': false } }, false],
    ['Bool with a value that is not a boolean', { Bool: { 'aws:MultiFactorAuthPresent': 'yes' } }, 'unknown'],
    ['IpAddress', { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '10.0.0.0/8'] } }, true],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '10.1.2.3/32' } }, false],
    ['ArnLike', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/al*' } }, true],
    ['ArnEquals', { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/bob' } }, false],
    ['ArnNotLike', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, true],
    ['ArnNotEquals', { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/alice' } }, false],
    ['Null false on a present key', { Null: { 'aws:MultiFactorAuthAge': 'false' } }, true],
    ['Null true on a present key', { Null: { 'aws:MultiFactorAuthAge': 'true' } }, false],
    [
      'two operators are ANDed',
      { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringEquals: { 'aws:username': 'bob' } },
      false,
    ],
    [
      'two keys are ANDed',
      { StringEquals: { 'aws:username': 'alice', 'aws:MultiFactorAuthAge': '61' } },
      false,
    ],
    ['ForAnyValue on a multi-valued key', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, true],
    [
      'ForAllValues on a multi-valued key',
      { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } },
      false,
    ],
    [
      'ForAllValues, every value listed',
      { 'ForAllValues:StringLike': { 'aws:TagKeys': ['team', 'e*'] } },
      true,
    ],
    ['a plain operator on a multi-valued key', { StringEquals: { 'aws:TagKeys': 'env' } }, 'unknown'],
    ['a key that depends on the request', { Bool: { 'aws:SecureTransport': 'true' } }, 'unknown'],
    ['an operator IAM does not have', { StringMatches: { 'aws:username': 'alice' } }, 'unknown'],
    ['IfExists on Null is not an operator', { NullIfExists: { 'aws:username': 'true' } }, 'unknown'],
    ['no condition', undefined, true],
  ])('%s', (_name, condition, expected) => {
    expect(value(condition)).toBe(expected);
  });

  it.each<[string, unknown, boolean]>([
    ['a positive operator is false', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, false],
    ['IfExists is true', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, true],
    ['a negated operator is true', { StringNotEquals: { 'aws:MultiFactorAuthPresent': 'true' } }, true],
    [
      'NumericGreaterThanIfExists is true',
      { NumericGreaterThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } },
      true,
    ],
    ['Null true is true', { Null: { 'aws:MultiFactorAuthAge': 'true' } }, true],
    ['Null false is false', { Null: { 'aws:MultiFactorAuthAge': 'false' } }, false],
    ['ForAllValues is true', { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'env' } }, true],
    ['ForAnyValue is false', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'env' } }, false],
  ])('with the key absent, %s', (_name, condition, expected) => {
    expect(value(condition, absent)).toBe(expected);
  });

  it('a false part decides even next to an unknown one', () => {
    expect(value({ Bool: { 'aws:SecureTransport': 'true', 'aws:MultiFactorAuthPresent': 'false' } })).toBe(
      false,
    );
    expect(evaluateCondition({ Bool: { 'aws:SecureTransport': 'true' } }, present).because).toEqual({
      kind: 'key',
      key: 'aws:SecureTransport',
    });
  });
});
