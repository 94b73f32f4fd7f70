import { randomUUID } from 'node:crypto';
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { createIdentityCenterAdapter } from '../adapters/aws/identity-center.js';
import { instrumentClient } from '../adapters/aws/instrument.js';
import { createRootSessionAdapter } from '../adapters/aws/root-credentials.js';
import {
  createApprovalBoard,
  createApprovers,
  createResetBoard,
  createRootDeletionBoard,
} from '../adapters/slack/boards.js';
import { createConversation } from '../adapters/slack/conversation.js';
import type { SlackDeps } from '../adapters/slack/deps.js';
import { createMessenger } from '../adapters/slack/messenger.js';
import { createConfirmVerdict } from '../features/checklist/confirm-verdict.js';
import { SESSION_TOKEN_LOOKBACK_DAYS } from '../features/checklist/domain/checklist.js';
import { createGetChecklist } from '../features/checklist/get-checklist.js';
import { createGetPolicyVerdict } from '../features/checklist/get-policy-verdict.js';
import { createGetSessionDevice } from '../features/checklist/get-session-device.js';
import { createGetSignIn } from '../features/checklist/get-sign-in.js';
import { createGetSsoFor, createGetSsoStatus } from '../features/identity-center/get-sso-status.js';
import type { RetireDeps } from '../features/key-retirement/ports.js';
import { retirementRenderers } from '../features/key-retirement/slack/notices.js';
import type { MfaResetDeps } from '../features/mfa-reset/ports.js';
import { resetRenderers } from '../features/mfa-reset/slack/notices.js';
import { pastedRenderers } from '../features/pasted-keys/slack/notices.js';
import type { PostureDeps } from '../features/posture/post-posture.js';
import { drawPosture } from '../features/posture/summary.js';
import type { RootDeletionDeps } from '../features/root-credentials/ports.js';
import { rootDeletionRenderers } from '../features/root-credentials/slack/notices.js';
import type { RotationDeps } from '../features/rotation/ports.js';
import { rotationRenderers } from '../features/rotation/slack/notices.js';
import { createQuarantineEvidence } from '../features/scan/index.js';
import type { ScanDeps } from '../features/scan/run-scan.js';
import { scanRenderers } from '../features/scan/slack/notices.js';
import type { TrailSignalDeps } from '../features/trail-signals/run-trail-signals.js';
import { trailRenderers } from '../features/trail-signals/slack/notices.js';
import { cachedBy } from '../kernel/cached.js';
import { DAY_MS } from '../kernel/domain/time.js';
import { createDeliverer, slackPace } from '../kernel/outbox/deliver.js';
import { createFindIamUser } from '../kernel/people/find-iam-user.js';
import type { IdentitiesDeps } from '../kernel/people/identities.js';
import { createIdentityGuard } from '../kernel/people/identity-guard.js';
import { createPersonReads } from '../kernel/people/person-reads.js';
import { identityRenderers } from '../kernel/slack/identity-blocks.js';
import { mergeRenderers } from '../kernel/slack/notices.js';
import type { Platform } from './platform.js';

const POSTURE_TITLE = 'AWS MFA and access keys: the last 12 weeks';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every feature, wired on one platform: the composition root shared by `start` and every one-shot command. */
export function wireFeatures(platform: Platform) {
  const { config, logger, clock, region, stores, aws, accounts, slackClient, directory, holder, botArn } =
    platform;
  const { iam, keys, secrets } = aws;
  const label = (accountId: string) => accounts.label(accountId);
  const securityChannel = config.securityChannel;

  // The one delivery path: every feature's notices, rendered by the feature that queues them, sent by one deliverer.
  const deliverer = createDeliverer({
    outbox: stores.outbox,
    send: createMessenger(platform.deliveryClient, {
      directory,
      // A thread's ts is a named cursor (`thread:<key>`), shared by every replica.
      threads: {
        threadTs: (key) => stores.scans.cursor(`thread:${key}`),
        setThreadTs: (key, ts) => stores.scans.setCursor(`thread:${key}`, ts, clock.now().getTime()),
      },
      renderers: mergeRenderers(
        rotationRenderers({
          requests: stores.rotations,
          context: { region, deleteDays: config.rotation.deleteDays },
          accountLabel: label,
        }),
        retirementRenderers({ retirements: stores.retirements }),
        resetRenderers({ resets: stores.resets }),
        rootDeletionRenderers({ deletions: stores.rootDeletions, accountLabel: label }),
        pastedRenderers,
        scanRenderers,
        trailRenderers,
        identityRenderers,
      ),
    }),
    clock,
    logger,
    holder,
    // One message a second per conversation, as Slack documents for chat.postMessage.
    pace: slackPace,
  });
  platform.onQueued(deliverer.wake);

  const guard = createIdentityGuard({
    identities: stores.identities,
    scans: stores.scans,
    outbox: stores.outbox,
    iam,
    clock,
    logger,
    trustHours: config.emailMappingTrustHours,
    securityChannel,
  });
  const findIamUser = createFindIamUser({ iam, directory, clock, emailTagKey: config.emailTagKey, guard });
  // Every per-person AWS read (checklist, modals, submits, clicks) is reused and limited here.
  const reads = createPersonReads({ findIamUser, iam, clock });
  const approvers = createApprovers(slackClient, config.rotation.approvers, clock);

  const rotation: RotationDeps = {
    store: stores.rotations,
    iam,
    keys,
    secrets,
    keyTrail: aws.keyTrail,
    board: createApprovalBoard(slackClient, label),
    approvers,
    findIamUser,
    reads,
    clock,
    logger,
    newId: randomUUID,
    holder,
    leaked: async (keyId) => {
      const r = await stores.retirements.get(keyId);
      return r?.source === 'pasted' && (r.state === 'deactivating' || r.state === 'deactivated');
    },
    config: { ...config.rotation, region, securityChannel },
    sleep,
  };
  const mfaReset: MfaResetDeps = {
    resets: stores.resets,
    iam,
    devices: aws.devices,
    board: createResetBoard(slackClient, label),
    approvers,
    findIamUser,
    reads,
    clock,
    logger,
    newId: randomUUID,
    holder,
    config: {
      approvals: config.mfaReset.approvals,
      privilegedApprovals: config.rotation.privilegedApprovals,
      requestTtlHours: config.rotation.requestTtlHours,
      reenrolHours: config.mfaReset.reenrolHours,
      approvalChannel: config.rotation.approvalChannel,
      securityChannel,
    },
  };
  // Deleting member accounts' root credentials: only with several accounts (the bot's own root is out of reach).
  const rootDeletion: RootDeletionDeps | undefined =
    config.accounts.mode === 'own'
      ? undefined
      : {
          deletions: stores.rootDeletions,
          rootSessions: createRootSessionAdapter({
            sts: platform.sts,
            // The root session's client: made for one deletion and destroyed after it.
            iamFor: (credentials) => {
              const client = new IAMClient({ region, credentials });
              instrumentClient(client, 'iam', platform.metrics.awsCall);
              return client;
            },
          }),
          rootAccess: aws.rootAccess,
          memberAccounts: async () => {
            const own = (await accounts.own()).accountId;
            return (await accounts.list()).filter((id) => id !== own);
          },
          board: createRootDeletionBoard(slackClient, label),
          approvers,
          clock,
          logger,
          newId: randomUUID,
          holder,
          config: {
            privilegedApprovals: config.rotation.privilegedApprovals,
            requestTtlHours: config.rotation.requestTtlHours,
            approvalChannel: config.rotation.approvalChannel,
            securityChannel,
          },
        };
  const retire: RetireDeps = {
    retirements: stores.retirements,
    inRotation: async (keyId) => (await stores.rotations.openRequestForKey(keyId)) !== undefined,
    keys,
    findIamUser,
    reads,
    botArn,
    clock,
    logger,
    holder,
    config: {
      deleteDays: config.rotation.deleteDays,
      graceDays: config.rotation.graceDays,
      securityChannel,
    },
  };

  // IAM Identity Center (step 7, `/aws-mfa sso`), in its own region with the bot's own credentials.
  const ic = config.identityCenter;
  let identityCenter: ReturnType<typeof createIdentityCenterAdapter> | undefined;
  if (ic) {
    const ssoAdmin = new SSOAdminClient({ region: ic.region });
    const identityStore = new IdentitystoreClient({ region: ic.region });
    instrumentClient(ssoAdmin, 'sso-admin', platform.metrics.awsCall);
    instrumentClient(identityStore, 'identitystore', platform.metrics.awsCall);
    platform.onClose(() => {
      ssoAdmin.destroy();
      identityStore.destroy();
    });
    identityCenter = createIdentityCenterAdapter({
      ssoAdmin,
      identityStore,
      identityStoreId: ic.identityStoreId,
    });
  }
  const ssoStatus = identityCenter
    ? createGetSsoStatus({
        identityCenter,
        ssoTrail: aws.ssoTrail,
        accounts: () => accounts.list(),
        clock,
        logger,
      })
    : undefined;
  // Shown as the person's only once the e-mail match with the Identity Center user is trusted.
  const ssoFor = ssoStatus ? createGetSsoFor({ status: ssoStatus, guard }) : undefined;

  // A person's temporary-credential use, answered from the last look for ten minutes.
  const sessionUse = cachedBy(
    (key, why) => {
      const [accountId, userName] = key.split('\n') as [string, string];
      return aws.sessionTrail.findSessionTokenUse(
        userName,
        new Date(clock.now().getTime() - SESSION_TOKEN_LOOKBACK_DAYS * DAY_MS),
        accountId || undefined,
        why,
      );
    },
    { ttlMs: 10 * 60_000, clock },
  );
  // Step 5's verdict confirmed with AWS's own evaluator where the bot's role may call it (differences are logged).
  const confirm = createConfirmVerdict({ simulator: aws.simulator, logger });
  const thresholds = { keyMaxAgeDays: config.keyMaxAgeDays, keyUnusedDays: config.keyUnusedDays };

  const slack: SlackDeps = {
    logger,
    clock,
    ...(ic && ssoFor
      ? { identityCenter: { settings: { startUrl: ic.startUrl, region: ic.region }, status: ssoFor, region } }
      : {}),
    directory,
    findIamUser,
    reads,
    getChecklist: createGetChecklist({
      iam,
      trail: {
        // Re-check reads CloudTrail again: an `aws login` just used must show as used, with its retire button.
        findSessionTokenUse: (userName, _since, accountId, options) =>
          sessionUse.get(`${accountId ?? ''}\n${userName}`, options),
      },
      clock,
      logger,
      region,
      thresholds,
      confirm,
    }),
    getSessionDevice: createGetSessionDevice({ iam, logger, region }),
    getPolicyVerdict: createGetPolicyVerdict({ iam, logger, confirm }),
    getSignIn: createGetSignIn({ iam, logger }),
    region,
    rotation,
    keys,
    retire,
    deactivatePasted: { retire, approvers, reports: stores.pasted },
    keyLookup: aws.lookup,
    mfaReset,
    ...(rootDeletion ? { rootDeletion } : {}),
    accountLabel: label,
    pasted: {
      lookup: aws.lookup,
      conversation: createConversation(slackClient),
      directory,
      scans: stores.scans,
      reports: stores.pasted,
      rates: stores.rates,
      outbox: stores.outbox,
      ourAccounts: () => accounts.list(),
      clock,
      logger,
      config: { emailTagKey: config.emailTagKey, securityChannel },
    },
    nudges: { scans: stores.scans, outbox: stores.outbox, clock, logger, securityChannel },
    settings: { ...thresholds, emailTagKey: config.emailTagKey, securityChannel },
  };
  // A quarantined user's keys, where they were used lately: for the security channel's alert (scan and signals).
  const evidence = createQuarantineEvidence({ iam, keyTrail: aws.keyTrail, clock });
  const scan: ScanDeps = {
    reports: aws.reports,
    iam,
    directory,
    scans: stores.scans,
    outbox: stores.outbox,
    clock,
    logger,
    newId: randomUUID,
    identities: guard,
    posture: stores.posture,
    loginTrail: aws.loginTrail,
    evidence,
    ...(ssoFor && identityCenter
      ? { identityCenter: { status: ssoFor, emails: () => identityCenter.listEmails(), concurrency: 5 } }
      : {}),
    // Unset AWS_ACCOUNTS: the bot's own account, read as it always was (a failure fails the scan).
    ...(config.accounts.mode === 'own'
      ? {}
      : {
          accounts: { list: () => accounts.list(), label, concurrency: config.accounts.concurrency },
          rootAccess: {
            features: aws.rootAccess.features,
            ownAccount: async () => (await accounts.own()).accountId,
          },
        }),
    config: {
      ...thresholds,
      repeatDays: config.scan.repeatDays,
      emailTagKey: config.emailTagKey,
      securityChannel,
    },
  };
  const signals: TrailSignalDeps = {
    events: aws.events,
    iam,
    directory,
    scans: stores.scans,
    outbox: stores.outbox,
    clock,
    logger,
    botArn,
    evidence,
    config: { emailTagKey: config.emailTagKey, securityChannel, repeatDays: config.scan.repeatDays },
  };
  const posture: PostureDeps = {
    posture: stores.posture,
    clock,
    logger,
    render: (points) => drawPosture(points, { keyMaxAgeDays: config.keyMaxAgeDays, title: POSTURE_TITLE }),
  };
  /** Who is who, for the operator (`aws-mfa-bot identities`). */
  const identities: IdentitiesDeps & { readonly securityChannel: string | undefined } = {
    iam,
    directory,
    identities: stores.identities,
    clock,
    emailTagKey: config.emailTagKey,
    trustHours: config.emailMappingTrustHours,
    securityChannel,
  };
  return { deliverer, rotation, mfaReset, rootDeletion, retire, slack, scan, signals, posture, identities };
}

export type Features = ReturnType<typeof wireFeatures>;
