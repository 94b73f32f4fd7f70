import { DAY_MS } from '../../../kernel/domain/time.js';
import type {
  AccessKey,
  AttachedPolicy,
  Checked,
  FaultReason,
  IamUser,
  MfaDevice,
  MfaDeviceType,
  SessionTokenUse,
  StepStatus,
} from '../../../kernel/domain/types.js';
import { codeDevice, passkeyOnly, signInAllowed } from './login.js';
import { evaluateMfaPolicies, type PolicyVerdict } from './mfa-policy.js';

export const SESSION_TOKEN_LOOKBACK_DAYS = 30;

export type StepId = 'mfa' | 'app' | 'keys' | 'cli' | 'policy' | 'session';

/** Everything read about one IAM user; each part may have failed on its own. */
export interface UserFacts {
  readonly user: IamUser;
  readonly region: string;
  readonly mfaDevices: Checked<readonly MfaDevice[]>;
  readonly accessKeys: Checked<readonly AccessKey[]>;
  readonly policies: Checked<readonly AttachedPolicy[]>;
  readonly sessionTokenUse: Checked<SessionTokenUse | undefined>;
}

export interface Thresholds {
  readonly keyMaxAgeDays: number;
  readonly keyUnusedDays: number;
}

export interface KeySummary {
  readonly accessKeyId: string;
  readonly active: boolean;
  readonly ageDays: number;
  readonly lastUsed: AccessKey['lastUsed'];
  readonly tooOld: boolean;
  readonly unused: boolean;
}

export type Step =
  | {
      readonly id: 'mfa';
      readonly status: StepStatus;
      readonly fault?: FaultReason;
      readonly devices: readonly MfaDevice[];
    }
  | {
      readonly id: 'app';
      readonly status: StepStatus;
      readonly fault?: FaultReason;
      readonly deviceType?: MfaDeviceType;
    }
  | {
      readonly id: 'keys';
      readonly status: StepStatus;
      readonly fault?: FaultReason;
      readonly keys: readonly KeySummary[];
      readonly activeCount: number;
    }
  | {
      readonly id: 'cli';
      readonly status: StepStatus;
      readonly fault?: FaultReason;
      readonly lastUsed?: KeySummary;
    }
  | {
      readonly id: 'policy';
      readonly status: StepStatus;
      readonly fault?: FaultReason;
      readonly verdict?: PolicyVerdict;
    }
  | {
      readonly id: 'session';
      readonly status: StepStatus;
      readonly fault?: FaultReason;
      readonly seen?: SessionTokenUse;
      /** On `aws login` yet still holding active keys: they are not needed any more (retired once the owner confirms). */
      readonly retireKeys?: readonly string[];
    };

export type PracticeId = 'rotate' | 'unused' | 'one-key' | 'least-privilege' | 'storage' | 'monitoring';

export interface Practice {
  readonly id: PracticeId;
  /** `true` when this user currently breaks the practice and should act. */
  readonly attention: boolean;
  readonly keyIds?: readonly string[];
}

export interface Checklist {
  readonly user: IamUser;
  readonly region: string;
  /** The device to use in `get-session-token`, or the ARN a new virtual device would get. */
  readonly mfaSerial: string;
  readonly mfaSerialIsExpected: boolean;
  readonly steps: readonly Step[];
  readonly practices: readonly Practice[];
  readonly doneCount: number;
  /** Their only MFA is a passkey or security key: `get-session-token` cannot use it, `aws login` can. */
  readonly passkeyOnly: boolean;
  /** Their policies allow `aws login` (SignInLocalDevelopmentAccess); undefined when the policies could not be read. */
  readonly signInAllowed: boolean | undefined;
}

const ageInDays = (from: Date, now: Date) =>
  Math.max(0, Math.floor((now.getTime() - from.getTime()) / DAY_MS));

export function mfaDeviceType(serialNumber: string): MfaDeviceType {
  if (/^arn:aws[\w-]*:iam::\d{12}:mfa\//.test(serialNumber)) return 'virtual';
  if (/^arn:aws[\w-]*:iam::\d{12}:u2f\//.test(serialNumber)) return 'security_key';
  return 'hardware';
}

/** `arn:aws:iam::123456789012:user/path/alice` → `arn:aws:iam::123456789012:mfa/alice` (what the console creates). */
export function expectedVirtualMfaArn(user: IamUser): string {
  const partition = user.arn.split(':')[1] ?? 'aws';
  return `arn:${partition}:iam::${user.accountId}:mfa/${user.userName}`;
}

export function summariseKeys(keys: readonly AccessKey[], now: Date, t: Thresholds): KeySummary[] {
  return keys
    .map((k) => {
      const ageDays = ageInDays(k.createDate, now);
      const sinceUse = k.lastUsed ? ageInDays(k.lastUsed.date, now) : ageDays;
      const active = k.status === 'Active';
      return {
        accessKeyId: k.accessKeyId,
        active,
        ageDays,
        lastUsed: k.lastUsed,
        tooOld: active && ageDays >= t.keyMaxAgeDays,
        unused: active && sinceUse >= t.keyUnusedDays,
      };
    })
    .sort((a, b) => b.ageDays - a.ageDays);
}

function faultStatus(checked: Exclude<Checked<unknown>, { state: 'ok' }>): StepStatus {
  return checked.state === 'unknown' ? 'unknown' : 'failed';
}

function mfaStep(facts: UserFacts): Step & { id: 'mfa' } {
  const c = facts.mfaDevices;
  if (c.state !== 'ok') return { id: 'mfa', status: faultStatus(c), fault: c.reason, devices: [] };
  return { id: 'mfa', status: c.value.length > 0 ? 'done' : 'todo', devices: c.value };
}

function appStep(mfa: Step & { id: 'mfa' }): Step {
  // An app or token is proven by an enabled device: enabling one takes two consecutive codes from it. A passkey or
  // security key needs no app: the step is done, and says which it is.
  if (mfa.status !== 'done')
    return { id: 'app', status: mfa.status, ...(mfa.fault ? { fault: mfa.fault } : {}) };
  return {
    id: 'app',
    status: 'done',
    deviceType: (codeDevice(mfa.devices) ?? mfa.devices[0])?.type ?? 'virtual',
  };
}

function keysStep(facts: UserFacts, keys: readonly KeySummary[]): Step {
  const c = facts.accessKeys;
  if (c.state !== 'ok')
    return { id: 'keys', status: faultStatus(c), fault: c.reason, keys: [], activeCount: 0 };
  const activeCount = keys.filter((k) => k.active).length;
  let status: StepStatus = 'done';
  if (activeCount === 0) status = 'todo';
  else if (activeCount > 1 || keys.some((k) => k.tooOld)) status = 'warn';
  return { id: 'keys', status, keys, activeCount };
}

function cliStep(facts: UserFacts, keys: readonly KeySummary[]): Step {
  const c = facts.accessKeys;
  if (c.state !== 'ok') return { id: 'cli', status: faultStatus(c), fault: c.reason };
  const usedAt = (k: KeySummary) => k.lastUsed?.date.getTime() ?? -1;
  const latest = keys.reduce<KeySummary | undefined>(
    (best, k) => (usedAt(k) > (best ? usedAt(best) : -1) ? k : best),
    undefined,
  );
  return latest ? { id: 'cli', status: 'done', lastUsed: latest } : { id: 'cli', status: 'todo' };
}

function policyStep(facts: UserFacts): Step {
  const c = facts.policies;
  if (c.state !== 'ok') return { id: 'policy', status: faultStatus(c), fault: c.reason };
  const verdict = evaluateMfaPolicies(c.value, facts.user);
  return { id: 'policy', status: POLICY_STATUS[verdict.kind], verdict };
}

/** Half-applied (access keys or the console left open) and deny-everything are warnings; "can't tell" says so. */
const POLICY_STATUS: Readonly<Record<PolicyVerdict['kind'], StepStatus>> = {
  enforced: 'done',
  weak: 'warn',
  denies_all: 'warn',
  absent: 'todo',
  undecided: 'unknown',
};

function sessionStep(facts: UserFacts, keys: readonly KeySummary[], now: Date): Step {
  const c = facts.sessionTokenUse;
  if (c.state !== 'ok') return { id: 'session', status: faultStatus(c), fault: c.reason };
  const seen = c.value;
  if (seen && now.getTime() - seen.eventTime.getTime() <= SESSION_TOKEN_LOOKBACK_DAYS * DAY_MS) {
    const active = keys.filter((k) => k.active).map((k) => k.accessKeyId);
    return {
      id: 'session',
      status: 'done',
      seen,
      ...(seen.via === 'aws_login' && active.length > 0 ? { retireKeys: active } : {}),
    };
  }
  return { id: 'session', status: 'todo' };
}

function practices(keys: readonly KeySummary[], keysKnown: boolean): Practice[] {
  const active = keys.filter((k) => k.active);
  const old = active.filter((k) => k.tooOld).map((k) => k.accessKeyId);
  const unused = active.filter((k) => k.unused).map((k) => k.accessKeyId);
  // Key practices are only said when there is an active key to speak of; "keys are rotated" would mislead otherwise.
  const keyPractices: Practice[] =
    keysKnown && active.length > 0
      ? [
          { id: 'rotate', attention: old.length > 0, keyIds: old },
          { id: 'unused', attention: unused.length > 0, keyIds: unused },
          { id: 'one-key', attention: active.length > 1, keyIds: active.map((k) => k.accessKeyId) },
        ]
      : [];
  return [
    ...keyPractices,
    { id: 'least-privilege', attention: false },
    { id: 'storage', attention: false },
    { id: 'monitoring', attention: false },
  ];
}

/** The guide's six steps and best practices, evaluated from live facts. Pure: the clock is an argument. */
export function evaluateChecklist(facts: UserFacts, now: Date, thresholds: Thresholds): Checklist {
  const keys = facts.accessKeys.state === 'ok' ? summariseKeys(facts.accessKeys.value, now, thresholds) : [];
  const mfa = mfaStep(facts);
  const steps: Step[] = [
    mfa,
    appStep(mfa),
    keysStep(facts, keys),
    cliStep(facts, keys),
    policyStep(facts),
    sessionStep(facts, keys, now),
  ];
  // get-session-token needs a device that gives codes; a passkey's serial would be refused.
  const device = codeDevice(mfa.devices);
  return {
    user: facts.user,
    region: facts.region,
    mfaSerial: device?.serialNumber ?? expectedVirtualMfaArn(facts.user),
    mfaSerialIsExpected: device === undefined,
    passkeyOnly: passkeyOnly(mfa.devices),
    signInAllowed: facts.policies.state === 'ok' ? signInAllowed(facts.policies.value) : undefined,
    steps,
    practices: practices(keys, facts.accessKeys.state === 'ok'),
    doneCount: steps.filter((s) => s.status === 'done').length,
  };
}
