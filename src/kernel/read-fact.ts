import { FactError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Checked, IamUser } from './domain/types.js';

/**
 * Reads one fact for one user and turns an AWS fault into a `Checked` value, logging it once with its context.
 * `deniedIsUnknown` is for optional sources (CloudTrail): the bot not being allowed to look is not a failure.
 */
export async function readFact<T>(
  logger: Logger,
  step: string,
  user: IamUser,
  read: () => Promise<T>,
  options: { deniedIsUnknown?: boolean } = {},
): Promise<Checked<T>> {
  try {
    return { state: 'ok', value: await read() };
  } catch (error) {
    if (!(error instanceof FactError)) {
      logger.error({ err: error, step, iamUser: user.userName }, 'unexpected error while checking a step');
      return { state: 'failed', reason: { kind: 'other', action: step } };
    }
    const unknown = options.deniedIsUnknown === true && error.reason.kind === 'access_denied';
    logger.warn(
      {
        step,
        iamUser: user.userName,
        action: error.reason.action,
        kind: error.reason.kind,
        awsCode: error.reason.code,
      },
      unknown ? 'not allowed to check this step; shown as unknown' : 'could not check this step',
    );
    return { state: unknown ? 'unknown' : 'failed', reason: error.reason };
  }
}
