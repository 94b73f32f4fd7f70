import { asList, statementsOf, wildcardToRegExp } from '../../../kernel/domain/policy-document.js';
import type { AttachedPolicy, MfaDevice } from '../../../kernel/domain/types.js';

/**
 * `aws login` (AWS CLI 2.32.0 or later) turns a console sign-in into temporary CLI and SDK credentials, refreshed for
 * up to 12 hours, with no access key. An IAM user needs AWS's managed policy `SignInLocalDevelopmentAccess` (or the
 * `signin:` actions it grants) for it. https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sign-in.html
 */
export const SIGN_IN_POLICY = 'SignInLocalDevelopmentAccess';
export const LOGIN_MIN_CLI = '2.32.0';

/**
 * Whether the user's policies let them use `aws login`: the managed policy by name, or an Allow statement whose
 * actions cover a `signin:` action. A Deny is not weighed (the sign-in service's actions are not listed here); the
 * answer is a hint for the checklist, never a permission the bot relies on.
 */
export function signInAllowed(policies: readonly AttachedPolicy[]): boolean {
  return policies.some(
    (p) =>
      p.source.policyName === SIGN_IN_POLICY ||
      statementsOf(p.document).some(
        (s) =>
          s.Effect === 'Allow' &&
          asList(s.Action).some(
            (a) => typeof a === 'string' && (/^signin:/i.test(a) || wildcardToRegExp(a).test('signin:Any')),
          ),
      ),
  );
}

/**
 * How a person gets temporary credentials from the command line: a device that gives codes (an authenticator app, a
 * hardware token) works with `get-session-token`; a passkey or security key (FIDO) does not — AWS's answer for them is
 * `aws login` (or adding an authenticator app as a second device).
 */
export function codeDevice(devices: readonly MfaDevice[]): MfaDevice | undefined {
  return devices.find((d) => d.type !== 'security_key');
}

export const passkeyOnly = (devices: readonly MfaDevice[]) =>
  devices.length > 0 && codeDevice(devices) === undefined;

/**
 * How CloudTrail shows `aws login`: the sign-in service's token call, which is what `SignInLocalDevelopmentAccess`
 * allows (`signin:CreateOAuth2Token`), with the sign-in service as its event source
 * (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-signin.html). AWS documents neither the record's
 * fields for this call nor whether `LookupEvents` fills `Username` for it, so the bot reads only the event source and
 * name and an IAM user identity in the record; a record without one is not counted as anyone's.
 */
export const LOGIN_EVENT = { source: 'signin.amazonaws.com', name: 'CreateOAuth2Token' } as const;

interface LoginRecord {
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly userIdentity?: { readonly type?: string; readonly userName?: string; readonly arn?: string };
}

/** The IAM user an `aws login` record belongs to (its name), or undefined when it is not one or names no IAM user. */
export function loginUserOf(record: unknown): string | undefined {
  const r = (record ?? {}) as LoginRecord;
  if (r.eventSource !== LOGIN_EVENT.source || r.eventName !== LOGIN_EVENT.name) return undefined;
  const identity = r.userIdentity;
  if (identity?.type !== 'IAMUser') return undefined;
  // `arn:aws:iam::123456789012:user/path/alice` → `alice` (a path is not part of the name).
  const fromArn = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(identity.arn ?? '')?.[1];
  return identity.userName ?? fromArn;
}
