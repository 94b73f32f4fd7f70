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
