import { FactError, isMissingCredentials } from '../../errors.js';
import type { FaultReason } from '../../kernel/domain/types.js';

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);
const NOT_FOUND = new Set(['NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
]);

/** Sorts an AWS SDK error into what the checklist can tell the user. Keeps the code, never the message. */
export function classifyAwsError(error: unknown, action: string): FaultReason {
  const e = (error ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  // Only a code-shaped name survives: it ends up in Slack text and logs.
  const name = (e.name ?? 'Error').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 64) || 'Error';
  if (isMissingCredentials(error))
    return { kind: 'no_credentials', action, code: 'CredentialsProviderError' };
  if (DENIED.has(name)) return { kind: 'access_denied', action, code: name };
  if (THROTTLED.has(name) || e.$metadata?.httpStatusCode === 429)
    return { kind: 'throttled', action, code: name };
  if (NOT_FOUND.has(name)) return { kind: 'not_found', action, code: name };
  if ((e.code && NETWORK.has(e.code)) || name === 'TimeoutError' || (!e.$metadata && e.code)) {
    return { kind: 'network', action, code: e.code ?? name };
  }
  return { kind: 'other', action, code: name };
}

/** Runs one AWS call; a failure becomes a {@link FactError} naming the IAM action, with the SDK error as cause. */
export async function awsCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new FactError(classifyAwsError(error, action), { cause: error });
  }
}
