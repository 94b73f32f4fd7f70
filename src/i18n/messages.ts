import type { FaultReason } from '../kernel/domain/types.js';
import type { SlackTime } from '../kernel/slack/mrkdwn.js';

const englishPlural = new Intl.PluralRules('en');
/** `1 account`, `2 accounts`: English counts through Intl.PluralRules (Korean needs no plural form). */
const count = (n: number, one: string, other: string) =>
  `${n} ${englishPlural.select(n) === 'one' ? one : other}`;

/**
 * Every user-facing string. Values that come from outside (IAM names, IDs) are passed in already escaped by the
 * block builders; the catalog only adds our own formatting.
 */
const en = {
  locale: 'en',
  appTitle: 'AWS MFA checklist',
  sessionTitle: 'Temporary credentials',
  close: 'Close',
  loading: ':hourglass_flowing_sand: Checking your AWS account…',
  header: 'Your AWS MFA setup',
  summary: (done: number, total: number, user: string, account: string) =>
    `*${done} of ${total}* steps done for IAM user ${user} in account ${account}.`,
  moreAccounts: (n: number) => `${count(n, 'more AWS account', 'more AWS accounts')}`,
  forAccount: (account: string, user: string) => `Account ${account}, IAM user ${user}`,
  pickAccount: 'Show an account first',
  alsoMapped: (names: string) =>
    `You are also mapped to: ${names}. Ask an administrator if that is a mistake.`,
  identity: {
    contested: (names: string) =>
      `:no_entry: Several IAM users claim to be you: ${names}. Until an administrator resolves this (removes the wrong tag, or confirms each with the \`aws-mfa-bot:owner-confirmed\` tag), the bot will not act on their keys. The security team has been told.`,
    recent: (from: SlackTime) =>
      `:hourglass: You were matched to this IAM user by e-mail address only recently. To protect its keys, key actions become available on ${from} — or ask an administrator to set the \`SlackUserId\` tag on the IAM user.`,
  },
  checkedAt: (when: SlackTime) => `Checked live from IAM and CloudTrail at ${when}.`,
  recheck: 'Re-check',
  showSession: 'Show temporary-credential commands',
  statusLabel: {
    done: 'done',
    todo: 'to do',
    warn: 'needs attention',
    unknown: 'unknown',
    failed: "couldn't check",
  },
  steps: {
    mfa: '1. MFA device',
    app: '2. Authenticator app',
    keys: '3. Access key',
    cli: '4. AWS CLI',
    policy: '5. MFA-required policy',
    session: '6. Temporary credentials',
  },
  couldNotCheck: (reason: string) => `Couldn't check: ${reason}.`,
  fault: (r: FaultReason) => {
    switch (r.kind) {
      case 'access_denied':
        return `the bot's AWS role is not allowed to call \`${r.action}\` — ask the bot's operator`;
      case 'throttled':
        return 'AWS is throttling requests right now — try Re-check in a minute';
      case 'network':
        return 'AWS could not be reached — try Re-check in a minute';
      case 'not_found':
        return 'the IAM user was not found';
      case 'no_credentials':
        return "the bot has no AWS credentials yet — ask the bot's operator";
      default:
        return `AWS answered with an error${r.code ? ` (${r.code})` : ''} on \`${r.action}\``;
    }
  },
  mfaDone: (list: string) => `MFA is on: ${list}.`,
  mfaDevice: (serial: string, type: string, enabled: string) => `${serial} (${type}, enabled ${enabled})`,
  deviceType: { virtual: 'virtual device', security_key: 'security key', hardware: 'hardware token' },
  mfaTodo:
    'No MFA device yet. In the IAM console: *Users → your user → Security credentials → Multi-factor authentication (MFA) → Assign MFA device → Virtual MFA device*.',
  appDone: (type: string) => `Your ${type} is enabled, so the app produces valid codes.`,
  appDoneHardware: 'Your hardware token is enabled: it shows the codes, no app needed.',
  appDonePasskey:
    'Your MFA is a *passkey or security key*: no app needed. It gives no codes, so step 6 uses `aws login` instead.',
  appTodo:
    'Install Google Authenticator, Authy or Microsoft Authenticator, scan the QR code (or type the secret key), then enter *two consecutive codes* to enable the device.',
  keysNone:
    'No access key yet. *Security credentials → Access keys → Create access key*, use case *Command Line Interface (CLI)*. Download the .csv: *the secret key is shown only once*.',
  keyLine: (id: string, active: boolean, age: number, lastUsed: string) =>
    `${id} — ${active ? 'active' : 'inactive'}, ${age} days old, ${lastUsed}`,
  keyLastUsed: (date: string, service: string | undefined, region: string | undefined) =>
    `last used ${date}${service ? ` on ${service}` : ''}${region ? ` in ${region}` : ''}`,
  keyNeverUsed: 'never used',
  keysTwoActive: 'You have *two active keys*: keep one and deactivate the other once nothing uses it.',
  keysTooOld: (days: number) => `A key is *${days}+ days old*: rotate it.`,
  keysSecretOnce: 'Remember: the secret access key is shown only once, when the key is created.',
  cliDone: (date: string, service: string | undefined) =>
    `Your key was used on ${date}${service ? ` (${service})` : ''}, so the CLI is set up.`,
  cliTodo: 'None of your keys has been used yet. Install the AWS CLI and configure it:',
  cliInstall: (url: string) =>
    `Install AWS CLI version 2 with <${url}|AWS's installer> (\`aws login\` needs 2.32.0 or later; a distribution's package is often older).`,
  policyDone: (via: string) => `Applies to you through ${via}.`,
  policyWeak: (via: string) =>
    `Applies through ${via}, but it uses \`Bool\`: requests signed with long-term access keys are not blocked. Use \`BoolIfExists\`.`,
  policyTodo:
    "No policy denies access without MFA for you yet. Ask an administrator to attach the guide's policy (see `/aws-mfa policy`).",
  policyWeakConsole: (via: string) =>
    `Applies through ${via} to requests signed with access keys, but console sign-ins without MFA are not blocked. Use \`BoolIfExists\` on \`aws:MultiFactorAuthPresent\`.`,
  policyDeniesAll: (via: string) =>
    `${via} denies everything even when you use MFA, so MFA is not what decides your access. Ask an administrator to check it.`,
  policyUndecided: (reason: string) =>
    `Can't tell whether access without MFA is denied to you, because ${reason}. Ask an administrator to check (\`/aws-mfa policy\` shows the guide's policy).`,
  policyReason: {
    key: (policy: string, key: string) =>
      `${policy} has a condition on ${key}, whose value depends on each request`,
    operator: (policy: string, operator: string) =>
      `${policy} uses the condition operator ${operator}, which the bot does not evaluate`,
    value: (policy: string, key: string) => `${policy} has a condition value for ${key} the bot can't read`,
    unreadable: (policy: string) => `${policy} could not be read`,
    complex: 'the policies combine too many wildcards to check',
  },
  policyVia: {
    'user-managed': (name: string) => `managed policy ${name} attached to you`,
    'user-inline': (name: string) => `your inline policy ${name}`,
    'group-managed': (name: string, group: string) => `managed policy ${name} of group ${group}`,
    'group-inline': (name: string, group: string) => `inline policy ${name} of group ${group}`,
    boundary: (name: string) => `your permissions boundary ${name}`,
  },
  sessionDone: (date: string, region: string) =>
    `You requested temporary credentials on ${date} (${region}).`,
  sessionDoneLogin: (date: string) =>
    `You used \`aws login\` on ${date}: the CLI gets temporary credentials, no key.`,
  sessionLoginRetire:
    'Your access keys are no longer needed for the CLI. Switch them off (you can switch one back on for a while):',
  sessionTodo:
    'No `GetSessionToken` call by you in the last 30 days. Get temporary credentials with your MFA code:',
  sessionUnknown: "The bot can't read CloudTrail, so it can't tell whether you use temporary credentials.",
  sessionNeedsMfa: 'Set up your MFA device first (step 1): the command uses its ARN.',
  sessionLogin: (allowed: boolean | undefined) =>
    `*No key needed:* if you sign in to the AWS console, \`aws login\` gives the CLI temporary credentials from that sign-in (refreshed for up to 12 hours).${allowed === false ? ' It needs the `SignInLocalDevelopmentAccess` policy, which you do not have yet: ask an administrator.' : ''}`,
  sessionPasskeyOnly:
    'Your passkey or security key cannot give `get-session-token` a code. Use `aws login` (above), or add an authenticator app as a second MFA device.',
  sessionMfaLogin: 'Or let the CLI ask for the code and write the credentials into a profile (`mfa`):',
  practicesTitle: 'Best practices',
  practices: {
    rotate: (attention: boolean, days: number) =>
      attention ? `*Rotate* keys older than ${days} days.` : `Keys are rotated within ${days} days.`,
    unused: (attention: boolean, days: number) =>
      attention ? `*Delete* keys unused for ${days} days.` : 'No unused keys.',
    'one-key': (attention: boolean) => (attention ? '*Keep one active key.*' : 'One active key at a time.'),
    'least-privilege': () => 'Least privilege: ask only for the permissions you need.',
    storage: () => 'Store keys in a safe place (1Password, AWS Secrets Manager) — never in code.',
    monitoring: () => 'CloudTrail records every API call made with your keys.',
  },
  sessionIntro: (serial: string) => `Your MFA device: ${serial}`,
  sessionExpected: (serial: string) =>
    `You have no MFA device yet; once you create a virtual one it will be ${serial}.`,
  sessionStep1: 'Request temporary credentials (replace the code with the one in your app):',
  sessionStep2: 'Or request and export them into your shell in one go (set MFA_CODE first):',
  sessionFooter: 'Temporary credentials expire (12 hours by default); run it again when they do.',
  policyTitle: 'MFA-required policy',
  policyApplies: (via: string) => `:white_check_mark: It applies to you through ${via}.`,
  policyNotApplies: ':x: No policy that denies access without MFA applies to you yet.',
  policyGuide: "The guide's policy (deny everything except MFA setup unless MFA is present):",
  policySelfService:
    "AWS's fuller self-service variant, which also lets users enrol and manage their own device:",
  unmapped: (slackUserId: string, emailTag: string) =>
    `I couldn't find an IAM user for you. Ask an AWS administrator to tag your IAM user with \`SlackUserId\` = \`${slackUserId}\` (or \`${emailTag}\` = your Slack e-mail address).`,
  askIn: (channel: string) => ` You can ask in ${channel}.`,
  lookupFailed: (reason: string) => `I couldn't look up your IAM user: ${reason}.`,
  help: [
    '*`/aws-mfa`* — your MFA onboarding checklist, checked live (also in the Home tab)',
    '*`/aws-mfa session`* — your commands for MFA-backed temporary credentials',
    '*`/aws-mfa login`* — `aws login`: the CLI from your console sign-in, without an access key',
    '*`/aws-mfa policy`* — the MFA-required policy and whether it applies to you',
    '*`/aws-mfa rotate`* — ask approvers to replace one of your access keys',
    '*`/aws-mfa lost-device`* — lost or broken MFA device: ask approvers for a verified reset',
    '*`/aws-mfa help`* — this help',
  ].join('\n'),
  sso: {
    title: '7. IAM Identity Center',
    commandTitle: 'IAM Identity Center',
    intro:
      'The next step after MFA: sign in at the AWS access portal and use short-lived credentials instead of long-term access keys.',
    noEmail:
      "Your Slack profile has no e-mail address, so the bot can't find your Identity Center user. Add one, or ask your AWS administrators.",
    noUser: (email: string) =>
      `No Identity Center user has your e-mail address ${email} yet. Ask your AWS administrators for one, with access to the accounts you use.`,
    waiting: (from: SlackTime) =>
      `:hourglass: An Identity Center user has your Slack e-mail address, but the bot matched you to it only recently: to keep someone who changes their e-mail from seeing another person's access, it is shown as yours from ${from} (or once the operator trusts it with \`aws-mfa-bot identities trust\`).`,
    noAssignments: (user: string) =>
      `You have the Identity Center user ${user}, but no account is assigned to it yet. Ask your AWS administrators for access to the accounts you use.`,
    todo: (user: string, n: number) =>
      `You have the Identity Center user ${user} with ${n} account assignment${n === 1 ? '' : 's'}. Set up the AWS CLI once (\`aws configure sso\` asks for these; this is the \`~/.aws/config\` it writes):`,
    login: 'Then sign in (each day) and use a profile:',
    more: (n: number) => `…and ${count(n, 'more assignment', 'more assignments')} (see the access portal).`,
    done: (date: string, role: string, account: string) =>
      `You used it on ${date} (${role} in account ${account}).`,
    unknownUse: "The bot can't read CloudTrail, so it can't tell whether you have used it yet.",
    retireOffer:
      'You no longer need long-term access keys where Identity Center gives you access. Retire them: each is switched off at once (Reactivate stays possible) and deleted after the waiting period.',
    retireButton: (keyId: string) => `Retire my access key ${keyId}`,
    noKeys: 'You have no active access keys left. :tada:',
  },
  loginTitle: 'aws login: the CLI without an access key',
  loginAfter:
    'Then use `--profile` (or `export AWS_PROFILE=…`) on every command. Once nothing uses your access key, switch it off from the checklist.',
  helpSso:
    '*`/aws-mfa sso`* — your way to IAM Identity Center: `aws configure sso` answers for your accounts',
  unknownCommand: (text: string) => `I don't know \`${text}\`. Try one of these:`,
  internalError:
    'Something went wrong on our side; the operator has been told in the logs. Try again shortly.',
  rotation: {
    requestButton: 'Request key rotation',
    modalTitle: 'Rotate access key',
    submit: 'Request',
    cancel: 'Cancel',
    intro: (user: string) =>
      `Ask approvers to replace one of your access keys (IAM user ${user}). The new key's secret goes to AWS Secrets Manager, readable only by you; the bot never shows it in Slack.`,
    keyLabel: 'Key to replace',
    keyOption: (id: string, age: number, lastUsed: string) => `${id} · ${age} days · ${lastUsed}`,
    leakedOption: 'switched off: leaked',
    reasonLabel: 'Reason',
    reasonHint: 'Why now? Approvers see this. At most 500 characters.',
    noActiveKey: 'You have no active access key to rotate.',
    errors: {
      reason_required: 'Please give a reason.',
      reason_too_long: 'At most 500 characters, please.',
      key_not_yours: 'That key is not one of yours.',
      key_inactive: 'That key is inactive; only active keys are rotated.',
      open_request: 'There is already an open rotation request for this key.',
    },
    submitted: (id: string) =>
      `Your request to rotate ${id} was sent to the approvers. You will get a DM when it is decided.`,
    submitFailed: (reason: string) => `Your rotation request could not be filed: ${reason}.`,
    notAllowed: "You're not allowed to decide this request. Nothing was changed.",
    selfNotAllowed: "You can't decide your own request. Nothing was changed.",
    alreadyApproved: 'You already approved this request; it needs another approver.',
    closed: 'This request was already decided.',
    expiredNow:
      'This request expired before it was decided: nothing was changed. The requester can ask again.',
    approvalRecorded: (n: number, of: number) => `Approval recorded (${n} of ${of}).`,
    denyTitle: 'Deny rotation',
    denyLabel: 'Why deny it? The requester will read this.',
    denySubmit: 'Deny',
    denyReasonRequired: 'Please give a reason.',
    deactivateNow: "I've switched — deactivate the old key now",
    reactivate: 'Reactivate the old key',
    ownerOnly: 'Only the owner of the key can do this.',
    notNow: 'This no longer applies to the key.',
    actionFailed: "That didn't work; the operator has been told in the logs. Try again later.",
    deactivatedNow: (id: string) => `The old key ${id} is now inactive.`,
    reactivatedNow: (id: string, until: SlackTime) =>
      `The old key ${id} is active again until ${until}; then it is deactivated for good. The security channel has been told. Use "deactivate now" when you have switched.`,
    decided: {
      approved: (id: string) =>
        `Your request to rotate ${id} was approved. The new key is being created; you'll get its Secrets Manager link here.`,
      denied: (id: string, by: string, reason: string) =>
        `Your request to rotate ${id} was denied by ${by}: ${reason}`,
      expired: (id: string) =>
        `Your request to rotate ${id} expired before anyone decided. Ask again with /aws-mfa rotate.`,
      failed: (id: string, reason: string) => `The rotation of ${id} failed: ${reason}.`,
    },
    recorded: (requester: string, id: string, state: string) =>
      `Your decision on ${requester}'s rotation of ${id} is recorded: ${state}.`,
    delivered: {
      header: 'Your new AWS access key is ready',
      body: (id: string, user: string, account: string) =>
        `A new access key ${id} was created for IAM user ${user} in account ${account} and stored in AWS Secrets Manager there. Only you can read it — it is not in Slack.`,
      open: 'Open in the Secrets Manager console',
      signIn: (account: string) => `Sign in to account ${account} first.`,
      cli: 'Or read it with the AWS CLI:',
      configure:
        'Then put the new key into `aws configure` (or your secret store) and test it with `aws sts get-caller-identity`.',
      schedule: (oldId: string, deactivate: SlackTime, del: number) =>
        `Your old key ${oldId} will be deactivated on ${deactivate} and deleted ${del} days after that — sooner if you press the button.`,
    },
    inUse: (oldId: string, until: SlackTime) =>
      `Your old key ${oldId} was used after the new key was created, so it was *not* deactivated yet. It will be deactivated on ${until} whatever happens — switch everything to the new key before then. Security and the approvers have been told. Recent use:`,
    inUseAlert: {
      postponed: (owner: string, user: string, oldId: string, until: SlackTime) =>
        `:rotating_light: The replaced key ${oldId} of IAM user ${user} (${owner}) was used after its rotation. Its deactivation was put off once, to ${until}, and will not be put off again. If this use is not theirs, deactivate the key now. Recent use:`,
      deactivated: (owner: string, user: string, oldId: string) =>
        `:rotating_light: The replaced key ${oldId} of IAM user ${user} (${owner}) was still used after its one postponement and has been deactivated anyway. Recent use:`,
    },
    reactivatedAlert: (owner: string, user: string, oldId: string, until: SlackTime) =>
      `:warning: ${owner} reactivated the replaced key ${oldId} of IAM user ${user}. It will be deactivated again on ${until}.`,
    inUseUnknown: 'CloudTrail could not say where.',
    inUseEvent: (time: string, event: string, source: string, ip: string, agent: string) =>
      `• ${time} — ${event} (${source}) from ${ip}, ${agent}`,
    deactivatedNotice: (oldId: string, del: SlackTime) =>
      `Your old key ${oldId} was deactivated. It will be deleted on ${del}. If something broke, reactivate it:`,
    deletedNotice: (oldId: string) => `Your old key ${oldId} was deleted. The rotation is complete.`,
    message: {
      title: 'Access key rotation request',
      requester: 'Requester',
      user: 'IAM user',
      account: 'Account',
      key: 'Key',
      age: 'Age',
      lastUsed: 'Last used',
      reason: 'Reason',
      approvals: (n: number, of: number) => `Approvals: ${n} of ${of}`,
      privileged: 'Admin-level user: two-person rule applies.',
      approve: 'Approve',
      deny: 'Deny',
      state: {
        requested: 'Waiting for approval',
        approved: 'Approved — creating the new key',
        key_created: 'Approved — new key created',
        delivered: 'Approved — new key delivered',
        old_deactivated: 'Done — old key deactivated',
        old_deleted: 'Done — old key deleted',
        denied: 'Denied',
        expired: 'Expired',
        failed: 'Failed',
      },
      decidedBy: (who: string, when: SlackTime) => `by ${who} at ${when}`,
    },
  },
  nudge: {
    rules: {
      key_rotation_due: (days: number) => `Your access key is ${days} days old: time to rotate it.`,
      key_rotation_soon: (days: number) => `Your access key is due for rotation in ${days} days.`,
      key_unused: (days: number) =>
        `Your access key has not been used for ${days} days: delete it if you don't need it.`,
      two_active_keys: () => 'You have two active access keys: keep one.',
      console_without_mfa: () => 'You can sign in to the AWS console without MFA: set up your MFA device.',
      keys_without_mfa: () => 'You use access keys but have no MFA device: set one up.',
      sso_with_active_key: () =>
        'You sign in through IAM Identity Center, but an access key of yours is still active: retire it in step 7 of /aws-mfa.',
      login_with_active_key: () =>
        'You use `aws login`, but an access key of yours is still active: the CLI no longer needs it — switch it off in step 6 of /aws-mfa.',
      root_without_mfa: () => 'The root account has no MFA.',
      root_access_keys: () => 'The root account has active access keys.',
      root_used_recently: () => 'The root account was used in the last day.',
      root_credentials_present: () =>
        'Root credentials remain in a member account under centralised root access: delete them (IAMDeleteRootUserCredentials), do not add MFA.',
      key_quarantined: () =>
        ':rotating_light: AWS found an access key of yours exposed and *quarantined* your IAM user (`AWSCompromisedKeyQuarantineV3`): you can no longer create or change keys. Request a rotation now — approvers decide, the bot replaces the key — and check where the old one was used.',
    },
    quarantineAlert: (user: string, owner: string) =>
      `AWS quarantined IAM user ${user} (an access key of theirs was found exposed). Owner: ${owner}, told now.`,
    quarantineNext:
      'A rotation goes through the usual approvals and is carried out by the bot. Remove the quarantine policy after the review: the bot never does.',
    quarantineActivity: '*Latest calls made with their keys (CloudTrail):*',
    quarantineActivityNone: 'CloudTrail shows no call made with their keys in the last 7 days.',
    quarantineActivityUnknown:
      "The bot couldn't read CloudTrail, so their keys' latest calls are not shown here.",
    forUser: (user: string) => `IAM user ${user}`,
    summary: (n: number) => `${count(n, 'thing', 'things')} to fix in AWS`,
    more: (n: number, rules: string) => `…and ${n} more (${rules}): open your checklist with /aws-mfa.`,
    rotate: 'Request rotation',
    checklist: 'Open checklist',
    snooze: 'Snooze 7 days',
    notMine: 'Not my account',
    snoozed: (until: SlackTime) => `Snoozed until ${until}.`,
    reported: 'Thanks — the security team has been told.',
    alreadyReported: 'You already reported this account; the security team has it.',
    tooMany:
      'You have sent several reports in a short time; try again in an hour or write to the security team.',
    notYours: "This reminder wasn't sent to you, so its buttons don't act for you. Nothing was changed.",
    gone: 'This reminder no longer applies.',
  },
  digest: {
    title: 'AWS IAM scan',
    counts: 'Findings by rule',
    none: 'No findings. :tada:',
    change: (delta: number) => (delta === 0 ? 'no change' : delta > 0 ? `+${delta}` : `${delta}`),
    root: 'Root account',
    escalations: 'Unanswered after 3 nudges',
    escalation: (who: string, user: string, rule: string, n: number) =>
      `${who} — ${user}: ${rule} (${n} nudges)`,
    byAccount: 'Findings by account (worst first)',
    account: 'Account',
    total: 'Total',
    stages: 'People by where they are',
    stage: {
      iam_keys: 'IAM user with active keys',
      iam_mfa_no_keys: 'IAM user with MFA, no keys',
      aws_login: 'On `aws login`, no keys needed',
      identity_center: 'On IAM Identity Center',
      iam_other: 'IAM user without MFA or keys',
    },
    unreadable: (n: number) =>
      `Accounts that could not be read (${n}): the role could not be assumed, an SCP denies it, or AWS throttled`,
    unmapped: (n: number) => `IAM users with findings but no Slack owner (${n})`,
    exempt: (n: number) => `Exempt users (${n})`,
    more: (n: number) => `…and ${n} more`,
    notMine: (who: string, user: string) =>
      `${who} says IAM user ${user} is not theirs. Check its tags (SlackUserId, e-mail).`,
    mappingChanged: (user: string, from: string, to: string, rule: string) =>
      `:warning: IAM user ${user}, which has access keys, now maps to ${to} (was ${from}) through ${rule}. If that is not expected, fix its tags: an e-mail change in Slack must not hand over keys.`,
    mappingNew: (user: string, to: string, rule: string) =>
      `:warning: IAM user ${user}, which has access keys, is matched to ${to} by e-mail (${rule}) for the first time. Key actions open after EMAIL_MAPPING_TRUST_HOURS, or when the operator trusts it (\`aws-mfa-bot identities trust\`). If ${to} is not its owner (a departed owner's address taken over), fix its tags now.`,
    mappingsNew: (n: number) =>
      `:warning: ${count(n, 'IAM user with access keys is', 'IAM users with access keys are')} matched to Slack people by e-mail for the first time. Review them with \`aws-mfa-bot identities\` and trust the right ones with \`aws-mfa-bot identities trust\`:`,
    mappingsTrusted: (n: number, by: string) =>
      `:white_check_mark: ${by} trusted ${count(n, 'e-mail mapping', 'e-mail mappings')} (\`aws-mfa-bot identities trust\`): their people may act on keys now.`,
    identityConflict: (who: string, users: string) =>
      `:no_entry: Several IAM users claim ${who}: ${users}. Key actions on them are refused until an administrator removes the wrong SlackUserId/e-mail tag or confirms each with \`aws-mfa-bot:owner-confirmed\`.`,
  },
  retire: {
    button: 'Deactivate this key',
    modalTitle: 'Deactivate key',
    submit: 'Deactivate',
    confirm: (id: string, user: string, lastUse: string) =>
      `Deactivate access key ${id} of IAM user ${user}?\n*Last used:* ${lastUse}`,
    consequence: (del: SlackTime) =>
      `Anything still using this key stops working at once. You can reactivate it until it is deleted on ${del}. No approval is needed: it only removes access.`,
    otherStays: (id: string) => `Your other key ${id} stays active.`,
    done: (id: string, user: string, del: SlackTime) =>
      `Your access key ${id} of IAM user ${user} is now inactive. It will be deleted on ${del}. If something broke, reactivate it before then:`,
    reactivate: 'Reactivate',
    switchedOff: (id: string, user: string) =>
      `The key ${id} of IAM user ${user} is now inactive. Its owner has a DM with the deletion date and a Reactivate button.`,
    doneFinal: (id: string, user: string, del: SlackTime) =>
      `Your access key ${id} of IAM user ${user} is switched off again, for good: it will be deleted on ${del}.`,
    doneLeaked: (id: string, user: string, del: SlackTime) =>
      `Your access key ${id} of IAM user ${user} was pasted into Slack and is now switched off for good: it will be deleted on ${del}. If you still need a key, request a new one with /aws-mfa rotate (choose this key: it is replaced, not reused).`,
    reactivated: (id: string, until: SlackTime) =>
      `The key ${id} is active again until ${until}; then it is switched off for good and deleted on schedule. The security team has been told.`,
    leakedStaysOff: (id: string) =>
      `The key ${id} was pasted into Slack, so it stays off: anyone who saw it could use it. Request a new key with /aws-mfa rotate. Nothing was changed.`,
    onceOnly:
      'This key was already switched back on once: it stays off now. Request a new key with /aws-mfa rotate. Nothing was changed.',
    alertSwitchedOff: (id: string, user: string, actor: string) =>
      `:lock: The pasted key ${id} of IAM user ${user} was switched off by ${actor}.`,
    alertReactivated: (id: string, user: string, owner: string, until: SlackTime) =>
      `:warning: ${owner} switched their retired key ${id} (IAM user ${user}) back on. It goes off again, for good, at ${until}.`,
    alertReactivatedOutside: (id: string, user: string) =>
      `:warning: The retired key ${id} of IAM user ${user} was switched back on outside the bot (console or API). It is left on and not deleted: check CloudTrail for who did it.`,
    deleted: (id: string) => `Your inactive access key ${id} was deleted, as scheduled.`,
    refused: {
      not_owner: 'Only the person this IAM user maps to can deactivate its keys. Nothing was changed.',
      not_active: 'That key is already inactive or gone. Nothing was changed.',
      bot_principal:
        "That key belongs to the bot's own AWS principal: the bot never switches off its own keys. Nothing was changed.",
      in_rotation:
        'That key is being replaced by a rotation: use the rotation message\'s "deactivate now" button instead.',
      untrusted: 'Your mapping to this IAM user is not trusted yet, so the bot does not act on its keys.',
      not_reported:
        'That key was never reported pasted into Slack (or it was switched off since): approvers may act only on reported keys. Nothing was changed.',
    },
    already: 'That key is already being deactivated.',
    failed: "The key couldn't be deactivated; the operator has been told in the logs. Try again later.",
    notNow: 'This key is no longer waiting for deletion.',
  },
  pasted: {
    thread:
      ':warning: This message looks like it contains an AWS access key. Delete the message, and treat the key as leaked: if it is one of ours, its owner and the security team have been told what to do. Never paste keys into Slack or code.',
    flood: (poster: string, where: string, keys: number, link: string) =>
      `:rotating_light: ${poster} is pasting many access key IDs in ${where}: ${keys} more in ${link} were not looked up. Further ones are counted in this thread.`,
    floodMore: (keys: number, link: string) => `${keys} more key IDs, not looked up: ${link}.`,
    ownerDm: (id: string, user: string, link: string, secret: boolean) =>
      `:rotating_light: Your access key ${id} (IAM user ${user}) was pasted into Slack: ${link}.${secret ? ' A secret access key was pasted next to it.' : ''} Treat it as leaked: deactivate it now, and request a new key if you still need one. Delete the message too.`,
    deactivateNow: 'Deactivate now',
    requestRotation: 'Request rotation',
    alert: (id: string, where: string, poster: string, link: string, secret: boolean, owner: string) =>
      `:rotating_light: AWS access key ${id} was pasted in ${where} by ${poster}: ${link}. ${secret ? '*A secret access key was pasted next to it.*' : 'No secret was seen next to it.'} ${owner}`,
    alertOwner: (user: string, owner: string) => `IAM user ${user} (${owner}) has been sent the steps.`,
    alertUnmapped: (user: string) => `IAM user ${user} has no Slack owner: deactivate it yourselves.`,
    alertOtherAccount: (account: string) => `It belongs to another AWS account (${account}), not this bot's.`,
    alertUnknown: 'The bot could not tell whose key it is.',
    alertTemporary:
      "It is a temporary key (ASIA…): it cannot be deactivated. To cut it off, revoke the role's active sessions (IAM console → Roles → Revoke active sessions) or, for a GetSessionToken key, deactivate the long-term key that made it.",
    noLink: 'link unavailable',
  },
  lostDevice: {
    button: 'Lost or broken device?',
    modalTitle: 'Lost MFA device',
    submit: 'Ask for a reset',
    intro: (user: string) =>
      `Ask approvers to remove an MFA device of IAM user ${user} so you can enrol a new one. They will verify it is you outside Slack (a video call or in person) before approving.`,
    noDevice:
      'You have no MFA device assigned, so there is nothing to reset: set one up (step 1 of /aws-mfa).',
    deviceLabel: 'Which device',
    deviceOption: (serial: string, type: string, enabled: string) =>
      `${serial} · ${type} · enabled ${enabled}`,
    whatLabel: 'What happened',
    what: { lost: 'Lost', broken: 'Broken', replaced: 'Replaced (new phone)' },
    noteLabel: 'Note for the approvers',
    noteHint: 'When and how, and how approvers can reach you for a video call. At most 500 characters.',
    errors: {
      note_required: 'Please add a note for the approvers.',
      note_too_long: 'At most 500 characters, please.',
      device_not_yours: 'That device is not one of yours.',
      open_request: 'There is already an open reset request for your IAM user.',
    },
    submitted: (serial: string) =>
      `Your request to reset ${serial} was sent to the approvers. Expect a video call or a visit from one of them; you'll get a DM when it is decided.`,
    submitFailed: (reason: string) => `Your reset request could not be filed: ${reason}.`,
    message: {
      title: 'MFA device reset request',
      device: 'Device',
      what: 'What happened',
      note: 'Note',
      verify:
        ':warning: "I lost my phone" is the classic way into someone else\'s account. Approve only after verifying this person\'s identity *outside Slack* (video call or in person).',
      state: {
        requested: 'Waiting for approval',
        approved: 'Approved — removing the device',
        removed: 'Device removed — waiting for re-enrolment',
        reenrolled: 'Done — a new device is enabled',
        overdue: 'Device removed — no new device yet',
        denied: 'Denied',
        expired: 'Expired',
        failed: 'Failed',
      },
    },
    confirmTitle: 'Approve MFA reset',
    confirmBody: (who: string, user: string, serial: string) =>
      `You are approving the removal of ${serial} from IAM user ${user} (${who}). Whoever holds this Slack account will be able to enrol a new device.`,
    confirmLabel: 'Identity check',
    confirmOption: "I verified this person's identity outside Slack (video call or in person)",
    confirmRequired: 'Verify the person outside Slack and tick this first. Nothing was changed.',
    approve: 'Approve',
    denyTitle: 'Deny MFA reset',
    recorded: (n: number, of: number) => `Approval recorded (${n} of ${of}).`,
    refused: {
      self: "You can't approve your own reset. Nothing was changed.",
      not_approver: "You're not allowed to decide this reset. Nothing was changed.",
      closed: 'This reset was already decided.',
      expired: 'This reset expired before it was decided: nothing was changed. The person can ask again.',
      already_approved: 'You already approved this reset; it needs another approver.',
      not_verified: 'Verify the person outside Slack and tick the box first. Nothing was changed.',
      not_found: 'This reset no longer exists.',
    },
    decided: {
      approved: (serial: string) => `Your reset of ${serial} was approved; the device is being removed.`,
      denied: (serial: string, by: string, reason: string) =>
        `Your reset of ${serial} was denied by ${by}: ${reason}`,
      expired: (serial: string) =>
        `Your reset of ${serial} expired before enough approvers decided. Ask again with /aws-mfa lost-device.`,
      failed: (serial: string) =>
        `The reset of ${serial} failed; the operator has been told in the logs. Ask in the approvals channel.`,
    },
    done: (serial: string, user: string, until: SlackTime) =>
      `Your MFA device ${serial} was removed from IAM user ${user}. *Enrol a new one now* (steps 1–2 of /aws-mfa): while you have none, the Deny-unless-MFA policy lets you do nothing but enrol. If no device is enabled by ${until}, the security team will be told.`,
    enrol: (serial: string) =>
      `IAM console → Users → your user → Security credentials → Assign MFA device → Virtual MFA device; name it so its ARN is ${serial}, scan the QR code and enter two consecutive codes.`,
    overdue: (user: string) =>
      `:warning: IAM user ${user} still has no MFA device since the reset. Enrol one now (steps 1–2 of /aws-mfa).`,
    overdueAlert: (owner: string, user: string, serial: string, since: SlackTime) =>
      `:warning: ${owner}'s MFA device ${serial} (IAM user ${user}) was reset at ${since} and no new device has been enabled since.`,
  },
  rootDeletion: {
    button: 'Delete root credentials',
    requested: (account: string) =>
      `Deleting the root credentials of ${account} is posted for approval: two other approvers must agree. Nothing has changed yet.`,
    refused: {
      not_approver: 'Only approvers may ask for root credentials to be deleted. Nothing was changed.',
      not_member:
        "That account is not one of the member accounts the bot looks after (AWS_ACCOUNTS, not the bot's own). Nothing was changed.",
      sessions_off:
        'Root sessions are not enabled in the organization: enable *Privileged root actions in member accounts* (RootSessions) in IAM → Root access management first. Nothing was changed.',
      open_request: 'A deletion of these root credentials is already waiting for approval.',
      self: 'You asked for this deletion: two other approvers decide it. Nothing was changed.',
      not_approver_decide: "You're not allowed to decide this deletion. Nothing was changed.",
      closed: 'This deletion was already decided.',
      expired:
        'This request expired before it was decided: nothing was changed. Ask again from the next digest.',
      already_approved: 'You already approved this deletion; it needs another approver.',
      not_found: 'This request no longer exists.',
    },
    recorded: (n: number, of: number) =>
      `Approval recorded (${n} of ${of}). Nothing changes until ${of} approve.`,
    failedToAsk: (reason: string) => `Could not ask for the deletion: ${reason}. Nothing was changed.`,
    message: {
      title: 'Delete member account root credentials',
      what: 'What happens',
      whatText:
        "The bot opens a root session in the account (`sts:AssumeRoot` with IAMDeleteRootUserCredentials, at most 5 minutes) and deletes root's console password, access keys, signing certificates and MFA devices. Root can sign in again only through the management account's password recovery.",
      state: {
        requested: 'Waiting for approval',
        approved: 'Approved — deleting',
        deleted: 'Deleted',
        denied: 'Denied',
        expired: 'Expired',
        failed: 'Failed',
      },
      removed: 'Removed',
      approve: 'Approve deletion',
    },
    denyTitle: 'Deny root deletion',
    decided: {
      approved: (account: string) =>
        `The deletion of ${account}'s root credentials was approved; deleting now.`,
      denied: (account: string, by: string) =>
        `The deletion of ${account}'s root credentials was denied by ${by}:`,
      expired: (account: string) =>
        `The deletion of ${account}'s root credentials expired before enough approvers decided.`,
      failed: (account: string) =>
        `Deleting ${account}'s root credentials failed: see the approval message and the bot's logs.`,
    },
    done: (account: string, what: string, approvers: string) =>
      `:white_check_mark: The root credentials of ${account} were deleted (approved by ${approvers}): ${what}.`,
    failedAlert: (account: string, why: string) =>
      `:x: Deleting the root credentials of ${account} failed: ${why}. Nothing more will be tried; ask again from the next digest.`,
    removed: {
      password: 'the console password',
      keys: (n: number) => count(n, 'access key', 'access keys'),
      certs: (n: number) => count(n, 'signing certificate', 'signing certificates'),
      devices: (n: number) => count(n, 'MFA device', 'MFA devices'),
      none: 'none were left',
    },
  },
  workflowSteps: {
    unmapped: (who: string) =>
      `No AWS IAM user is mapped to ${who}: tag their IAM user with SlackUserId (or their e-mail address), then run the workflow again.`,
    lookupFailed: (reason: string) =>
      `Could not look up the person's AWS IAM user: ${reason}. Nothing was changed.`,
    couldNotCheck: (reason: string) =>
      `Could not check the person's AWS IAM user: ${reason}. Run the workflow again later.`,
    untrusted: (why: string) => `${why} Nothing was changed.`,
    noActiveKey: 'The person has no active access key to rotate. Nothing was changed.',
    openRotation: 'A rotation of that key is already waiting for approval. Nothing was changed.',
    reasonTooLong: 'The reason is longer than 500 characters. Nothing was changed.',
    defaultReason: 'Asked for from a Workflow Builder step',
    noDevice: 'The person has no MFA device to reset. Nothing was changed.',
    severalDevices: (n: number) =>
      `The person has ${n} MFA devices: choose the one to reset with /aws-mfa lost-device. Nothing was changed.`,
    openReset: 'A reset of that device is already waiting for approval. Nothing was changed.',
    what: '"What happened" must be lost, broken or replaced. Nothing was changed.',
    noteRequired: 'A note for the approvers is required. Nothing was changed.',
    noteTooLong: 'The note is longer than 500 characters. Nothing was changed.',
    failed: (reason: string) => `AWS refused: ${reason}. Nothing was changed.`,
    notRunner:
      'This step acts only for the person who runs the workflow: set its person to "Person who used this workflow". Nothing was changed.',
  },
  trail: {
    rootActivity: (event: string, time: SlackTime, region: string, ip: string) =>
      `:rotating_light: The *root account* was used: ${event} at ${time} in ${region} from ${ip}.`,
    keyOutside: (user: string, actor: string, time: SlackTime, ip: string) =>
      `:key: An access key was created for ${user} by ${actor} at ${time} from ${ip}, outside the rotation flow (\`/aws-mfa rotate\`).`,
  },
} as const;

type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => infer R
    ? (...args: A) => Widen<R>
    : T extends object
      ? { readonly [K in keyof T]: Widen<T[K]> }
      : T;

export type Messages = Widen<typeof en>;

const ko: Messages = {
  locale: 'ko',
  appTitle: 'AWS MFA 체크리스트',
  sessionTitle: '임시 자격 증명',
  close: '닫기',
  loading: ':hourglass_flowing_sand: AWS 계정을 확인하는 중…',
  header: 'AWS MFA 설정 현황',
  summary: (done, total, user, account) =>
    `계정 ${account}의 IAM 사용자 ${user}: *${total}단계 중 ${done}단계 완료*.`,
  moreAccounts: (n) => `AWS 계정 ${n}개 더`,
  forAccount: (account, user) => `계정 ${account}, IAM 사용자 ${user}`,
  pickAccount: '먼저 볼 계정 선택',
  alsoMapped: (names) =>
    `다음 IAM 사용자에도 연결되어 있습니다: ${names}. 잘못된 경우 관리자에게 문의하세요.`,
  identity: {
    contested: (names) =>
      `:no_entry: 여러 IAM 사용자가 당신으로 매핑되어 있습니다: ${names}. 관리자가 해결할 때까지(잘못된 태그 제거, 또는 각 사용자에 \`aws-mfa-bot:owner-confirmed\` 태그로 확인) 이 사용자들의 키에는 아무 작업도 하지 않습니다. 보안 팀에 알렸습니다.`,
    recent: (from) =>
      `:hourglass: 이 IAM 사용자와 최근에야 e-mail 주소로 연결되었습니다. 키를 보호하기 위해 키 작업은 ${from}부터 가능합니다. 또는 관리자에게 IAM 사용자에 \`SlackUserId\` 태그를 설정해 달라고 요청하세요.`,
  },
  checkedAt: (when) => `${when}에 IAM과 CloudTrail에서 실시간으로 확인했습니다.`,
  recheck: '다시 확인',
  showSession: '임시 자격 증명 명령 보기',
  statusLabel: { done: '완료', todo: '할 일', warn: '확인 필요', unknown: '알 수 없음', failed: '확인 실패' },
  steps: {
    mfa: '1. MFA 디바이스 설정',
    app: '2. 인증 앱 설정',
    keys: '3. Access Key 생성',
    cli: '4. AWS CLI 구성',
    policy: '5. MFA 필수 정책 적용',
    session: '6. 임시 자격 증명 사용',
  },
  couldNotCheck: (reason) => `확인하지 못했습니다: ${reason}.`,
  fault: (r) => {
    switch (r.kind) {
      case 'access_denied':
        return `봇의 AWS 역할에 \`${r.action}\` 권한이 없습니다 — 봇 운영자에게 문의하세요`;
      case 'throttled':
        return 'AWS가 요청을 제한하고 있습니다 — 잠시 후 다시 확인하세요';
      case 'network':
        return 'AWS에 연결할 수 없습니다 — 잠시 후 다시 확인하세요';
      case 'not_found':
        return 'IAM 사용자를 찾을 수 없습니다';
      case 'no_credentials':
        return '봇에 AWS 자격 증명이 아직 없습니다 — 봇 운영자에게 문의하세요';
      default:
        return `\`${r.action}\` 호출에서 AWS 오류가 발생했습니다${r.code ? ` (${r.code})` : ''}`;
    }
  },
  mfaDone: (list) => `MFA가 설정되어 있습니다: ${list}.`,
  mfaDevice: (serial, type, enabled) => `${serial} (${type}, ${enabled} 활성화)`,
  deviceType: { virtual: '가상 MFA 디바이스', security_key: '보안 키', hardware: '하드웨어 토큰' },
  mfaTodo:
    '아직 MFA 디바이스가 없습니다. IAM 콘솔에서 *Users → 내 사용자 → Security credentials → Multi-factor authentication (MFA) → Assign MFA device → Virtual MFA device* 를 선택하세요.',
  appDone: (type) => `${type}가 활성화되어 있어 인증 앱이 올바른 코드를 생성합니다.`,
  appDoneHardware: '하드웨어 토큰이 활성화되어 있습니다: 토큰이 코드를 보여 주므로 앱은 필요 없습니다.',
  appDonePasskey:
    'MFA가 *패스키 또는 보안 키*입니다: 앱은 필요 없습니다. 코드를 만들지 않으므로 6단계는 `aws login`을 사용합니다.',
  appTodo:
    'Google Authenticator, Authy, Microsoft Authenticator 등을 설치하고 QR 코드를 스캔(또는 secret key 수동 입력)한 뒤, *연속된 두 개의 MFA 코드*를 입력하여 활성화하세요.',
  keysNone:
    '아직 Access Key가 없습니다. *Security credentials → Access keys → Create access key*, Use case *Command Line Interface (CLI)* 를 선택하고 .csv 파일을 내려받으세요. *Secret key는 한 번만 표시됩니다*.',
  keyLine: (id, active, age, lastUsed) =>
    `${id} — ${active ? '활성' : '비활성'}, 생성 ${age}일 경과, ${lastUsed}`,
  keyLastUsed: (date, service, region) =>
    `마지막 사용 ${date}${service ? ` (${service}` : ''}${service && region ? `, ${region})` : service ? ')' : region ? ` (${region})` : ''}`,
  keyNeverUsed: '사용 기록 없음',
  keysTwoActive: '*활성 키가 두 개*입니다: 하나만 남기고, 더 이상 쓰이지 않는 키는 비활성화하세요.',
  keysTooOld: (days) => `*${days}일 이상* 된 키가 있습니다: 교체(로테이션)하세요.`,
  keysSecretOnce: '기억하세요: Secret access key는 키를 만들 때 한 번만 표시됩니다.',
  cliDone: (date, service) =>
    `${date}에 키가 사용되었으므로${service ? ` (${service})` : ''} CLI가 구성되어 있습니다.`,
  cliTodo: '아직 사용된 키가 없습니다. AWS CLI를 설치하고 구성하세요:',
  cliInstall: (url) =>
    `<${url}|AWS 공식 설치 프로그램>으로 AWS CLI 버전 2를 설치하세요 (\`aws login\`에는 2.32.0 이상이 필요하며, 배포판 패키지는 대개 더 오래되었습니다).`,
  policyDone: (via) => `${via}을(를) 통해 적용되어 있습니다.`,
  policyWeak: (via) =>
    `${via}을(를) 통해 적용되지만 \`Bool\` 조건이라 장기 Access Key로 서명한 요청은 차단되지 않습니다. \`BoolIfExists\`를 사용하세요.`,
  policyTodo:
    '아직 MFA 없이는 접근을 거부하는 정책이 적용되지 않았습니다. 관리자에게 가이드의 정책 적용을 요청하세요 (`/aws-mfa policy` 참고).',
  policyWeakConsole: (via) =>
    `${via}을(를) 통해 Access Key로 서명한 요청에는 적용되지만 MFA 없는 콘솔 로그인은 차단되지 않습니다. \`aws:MultiFactorAuthPresent\`에 \`BoolIfExists\`를 사용하세요.`,
  policyDeniesAll: (via) =>
    `${via}이(가) MFA를 사용해도 모든 작업을 거부하므로 MFA가 접근을 결정하지 않습니다. 관리자에게 확인을 요청하세요.`,
  policyUndecided: (reason) =>
    `MFA 없는 접근이 거부되는지 판단할 수 없습니다. 이유: ${reason}. 관리자에게 확인을 요청하세요 (\`/aws-mfa policy\`에서 가이드의 정책을 볼 수 있습니다).`,
  policyReason: {
    key: (policy, key) => `${policy}에 요청마다 값이 달라지는 ${key} 조건이 있습니다`,
    operator: (policy, operator) =>
      `${policy}이(가) 봇이 평가하지 않는 조건 연산자 ${operator}을(를) 사용합니다`,
    value: (policy, key) => `${policy}에 봇이 읽을 수 없는 ${key} 조건 값이 있습니다`,
    unreadable: (policy) => `${policy}을(를) 읽을 수 없습니다`,
    complex: '정책의 와일드카드 조합이 너무 복잡해 확인할 수 없습니다',
  },
  policyVia: {
    'user-managed': (name) => `사용자에 연결된 관리형 정책 ${name}`,
    'user-inline': (name) => `사용자 인라인 정책 ${name}`,
    'group-managed': (name, group) => `그룹 ${group}의 관리형 정책 ${name}`,
    'group-inline': (name, group) => `그룹 ${group}의 인라인 정책 ${name}`,
    boundary: (name) => `사용자의 권한 경계(permissions boundary) ${name}`,
  },
  sessionDone: (date, region) => `${date}에 임시 자격 증명을 요청했습니다 (${region}).`,
  sessionDoneLogin: (date) =>
    `${date}에 \`aws login\`을 사용했습니다: CLI가 키 없이 임시 자격 증명을 받습니다.`,
  sessionLoginRetire:
    'CLI에 액세스 키가 더 이상 필요 없습니다. 키를 비활성화하세요 (잠시 다시 켤 수 있습니다):',
  sessionTodo: '최근 30일 동안 `GetSessionToken` 호출이 없습니다. MFA 코드로 임시 자격 증명을 받으세요:',
  sessionUnknown: '봇이 CloudTrail을 읽을 수 없어 임시 자격 증명 사용 여부를 알 수 없습니다.',
  sessionNeedsMfa: '먼저 MFA 디바이스를 설정하세요 (1단계): 명령에 디바이스 ARN이 필요합니다.',
  sessionLogin: (allowed) =>
    `*키 없이:* AWS 콘솔에 로그인한다면 \`aws login\`이 그 로그인으로 CLI에 임시 자격 증명을 줍니다 (최대 12시간 자동 갱신).${allowed === false ? ' `SignInLocalDevelopmentAccess` 정책이 필요한데 아직 없습니다: 관리자에게 요청하세요.' : ''}`,
  sessionPasskeyOnly:
    '패스키나 보안 키는 `get-session-token`에 코드를 줄 수 없습니다. 위의 `aws login`을 쓰거나, 두 번째 MFA 디바이스로 인증 앱을 추가하세요.',
  sessionMfaLogin: '또는 CLI가 코드를 묻고 자격 증명을 프로필(`mfa`)에 저장하게 하세요:',
  practicesTitle: '보안 모범 사례',
  practices: {
    rotate: (attention, days) =>
      attention ? `${days}일 이상 된 키는 *교체*하세요.` : `키가 ${days}일 안에 교체되고 있습니다.`,
    unused: (attention, days) =>
      attention ? `${days}일 동안 사용하지 않은 키는 *삭제*하세요.` : '사용하지 않는 키가 없습니다.',
    'one-key': (attention) => (attention ? '*활성 키는 하나만 유지하세요.*' : '활성 키가 하나입니다.'),
    'least-privilege': () => '최소 권한: 필요한 권한만 요청하세요.',
    storage: () => '키는 안전한 곳(1Password, AWS Secrets Manager 등)에 보관하고 코드에 하드코딩하지 마세요.',
    monitoring: () => 'CloudTrail이 키로 호출한 모든 API를 기록합니다.',
  },
  sessionIntro: (serial) => `내 MFA 디바이스: ${serial}`,
  sessionExpected: (serial) =>
    `아직 MFA 디바이스가 없습니다. 가상 디바이스를 만들면 ${serial} 이(가) 됩니다.`,
  sessionStep1: '임시 자격 증명 요청 (코드는 인증 앱의 코드로 바꾸세요):',
  sessionStep2: '또는 한 번에 요청하고 셸 환경변수로 설정 (먼저 MFA_CODE를 설정하세요):',
  sessionFooter: '임시 자격 증명은 만료됩니다 (기본 12시간). 만료되면 다시 실행하세요.',
  policyTitle: 'MFA 필수 정책',
  policyApplies: (via) => `:white_check_mark: ${via}을(를) 통해 적용되어 있습니다.`,
  policyNotApplies: ':x: 아직 MFA 없이는 접근을 거부하는 정책이 적용되지 않았습니다.',
  policyGuide: '가이드의 정책 (MFA가 없으면 MFA 설정 외 모든 작업 거부):',
  policySelfService: 'AWS의 확장된 셀프서비스 정책 (사용자가 자신의 디바이스를 등록·관리할 수 있음):',
  unmapped: (slackUserId, emailTag) =>
    `IAM 사용자를 찾지 못했습니다. AWS 관리자에게 IAM 사용자에 \`SlackUserId\` = \`${slackUserId}\` 태그(또는 \`${emailTag}\` = Slack 이메일 주소)를 달아 달라고 요청하세요.`,
  askIn: (channel) => ` ${channel} 채널에서 문의할 수 있습니다.`,
  lookupFailed: (reason) => `IAM 사용자를 조회하지 못했습니다: ${reason}.`,
  help: [
    '*`/aws-mfa`* — 실시간으로 확인한 MFA 온보딩 체크리스트 (홈 탭에도 표시)',
    '*`/aws-mfa session`* — MFA 기반 임시 자격 증명 명령',
    '*`/aws-mfa login`* — `aws login`: 액세스 키 없이 콘솔 로그인으로 CLI 사용',
    '*`/aws-mfa policy`* — MFA 필수 정책과 나에게 적용되는지 여부',
    '*`/aws-mfa rotate`* — 승인을 받아 Access Key 교체',
    '*`/aws-mfa lost-device`* — MFA 디바이스 분실·고장: 본인 확인을 거친 재설정을 승인자에게 요청',
    '*`/aws-mfa help`* — 도움말',
  ].join('\n'),
  sso: {
    title: '7. IAM Identity Center',
    commandTitle: 'IAM Identity Center',
    intro: 'MFA 다음 단계: AWS 액세스 포털에 로그인해 장기 Access Key 대신 단기 자격 증명을 사용하세요.',
    noEmail:
      'Slack 프로필에 이메일 주소가 없어 Identity Center 사용자를 찾을 수 없습니다. 이메일을 추가하거나 AWS 관리자에게 문의하세요.',
    noUser: (email) =>
      `이메일 주소 ${email}을(를) 가진 Identity Center 사용자가 아직 없습니다. 사용하는 계정에 대한 접근 권한과 함께 AWS 관리자에게 요청하세요.`,
    waiting: (from) =>
      `:hourglass: Slack e-mail 주소가 같은 Identity Center 사용자가 있지만, 봇이 최근에야 연결했습니다. e-mail을 바꾼 사람이 다른 사람의 접근 권한을 보지 못하도록 ${from}부터(또는 운영자가 \`aws-mfa-bot identities trust\`로 신뢰하면) 본인 것으로 보여 드립니다.`,
    noAssignments: (user) =>
      `Identity Center 사용자 ${user}이(가) 있지만 아직 할당된 계정이 없습니다. 사용하는 계정에 대한 접근을 AWS 관리자에게 요청하세요.`,
    todo: (user, n) =>
      `Identity Center 사용자 ${user}에 계정 할당이 ${n}개 있습니다. AWS CLI를 한 번 설정하세요 (\`aws configure sso\`가 묻는 값이며, 아래는 그 결과인 \`~/.aws/config\`입니다):`,
    login: '그다음 (매일) 로그인하고 프로필을 사용하세요:',
    more: (n) => `…외 ${n}개의 할당 (액세스 포털에서 확인하세요).`,
    done: (date, role, account) => `${date}에 사용했습니다 (계정 ${account}의 ${role}).`,
    unknownUse: '봇이 CloudTrail을 읽을 수 없어 사용 여부를 알 수 없습니다.',
    retireOffer:
      'Identity Center로 접근할 수 있는 곳에서는 장기 Access Key가 더 이상 필요 없습니다. 키를 폐기하세요: 즉시 비활성화되고(다시 활성화 가능) 대기 기간 후 삭제됩니다.',
    retireButton: (keyId) => `내 Access Key ${keyId} 폐기`,
    noKeys: '활성 Access Key가 더 이상 없습니다. :tada:',
  },
  loginTitle: 'aws login: 액세스 키 없이 CLI 사용하기',
  loginAfter:
    '이후 모든 명령에 `--profile`을 붙이세요 (또는 `export AWS_PROFILE=…`). 액세스 키를 더 이상 쓰지 않으면 체크리스트에서 끄세요.',
  helpSso: '*`/aws-mfa sso`* — IAM Identity Center로 가는 길: 내 계정에 맞춘 `aws configure sso` 답변',
  unknownCommand: (text) => `\`${text}\` 명령은 알 수 없습니다. 다음 중 하나를 사용하세요:`,
  internalError: '내부 오류가 발생했습니다. 운영자가 로그에서 확인할 수 있습니다. 잠시 후 다시 시도하세요.',
  rotation: {
    requestButton: '키 교체 요청',
    modalTitle: 'Access Key 교체',
    submit: '요청',
    cancel: '취소',
    intro: (user) =>
      `승인자에게 Access Key 교체를 요청합니다 (IAM 사용자 ${user}). 새 키의 secret은 AWS Secrets Manager에 저장되며 본인만 읽을 수 있습니다. 봇은 Slack에 secret을 보여주지 않습니다.`,
    keyLabel: '교체할 키',
    keyOption: (id, age, lastUsed) => `${id} · ${age}일 · ${lastUsed}`,
    leakedOption: '유출로 비활성화됨',
    reasonLabel: '사유',
    reasonHint: '승인자가 읽습니다. 최대 500자.',
    noActiveKey: '교체할 활성 Access Key가 없습니다.',
    errors: {
      reason_required: '사유를 입력하세요.',
      reason_too_long: '최대 500자까지 입력할 수 있습니다.',
      key_not_yours: '본인의 키가 아닙니다.',
      key_inactive: '비활성 키입니다. 활성 키만 교체할 수 있습니다.',
      open_request: '이 키에 대해 이미 진행 중인 교체 요청이 있습니다.',
    },
    submitted: (id) => `${id} 교체 요청을 승인자에게 보냈습니다. 결정되면 DM으로 알려 드립니다.`,
    submitFailed: (reason) => `교체 요청을 등록하지 못했습니다: ${reason}.`,
    notAllowed: '이 요청을 결정할 권한이 없습니다. 아무것도 변경되지 않았습니다.',
    selfNotAllowed: '본인의 요청은 결정할 수 없습니다. 아무것도 변경되지 않았습니다.',
    alreadyApproved: '이미 승인했습니다. 다른 승인자가 필요합니다.',
    closed: '이미 결정된 요청입니다.',
    expiredNow:
      '결정되기 전에 만료된 요청입니다. 아무것도 변경되지 않았습니다. 요청자가 다시 요청할 수 있습니다.',
    approvalRecorded: (n, of) => `승인이 기록되었습니다 (${of}명 중 ${n}명).`,
    denyTitle: '교체 거절',
    denyLabel: '거절 사유 (요청자가 읽습니다)',
    denySubmit: '거절',
    denyReasonRequired: '사유를 입력하세요.',
    deactivateNow: '전환했습니다 — 이전 키 지금 비활성화',
    reactivate: '이전 키 다시 활성화',
    ownerOnly: '키 소유자만 할 수 있습니다.',
    notNow: '이 키에는 더 이상 해당되지 않습니다.',
    actionFailed: '처리하지 못했습니다. 운영자가 로그에서 확인할 수 있습니다. 잠시 후 다시 시도하세요.',
    deactivatedNow: (id) => `이전 키 ${id}가 비활성화되었습니다.`,
    reactivatedNow: (id, until) =>
      `이전 키 ${id}가 ${until}까지 다시 활성화되었습니다. 그 뒤에는 완전히 비활성화됩니다. 보안 채널에 알렸습니다. 전환을 마치면 "지금 비활성화"를 누르세요.`,
    decided: {
      approved: (id) =>
        `${id} 교체 요청이 승인되었습니다. 새 키를 만드는 중이며 Secrets Manager 링크를 여기로 보내 드립니다.`,
      denied: (id, by, reason) => `${id} 교체 요청이 ${by}에 의해 거절되었습니다: ${reason}`,
      expired: (id) => `${id} 교체 요청이 결정 전에 만료되었습니다. /aws-mfa rotate 로 다시 요청하세요.`,
      failed: (id, reason) => `${id} 교체에 실패했습니다: ${reason}.`,
    },
    recorded: (requester, id, state) => `${requester}의 ${id} 교체에 대한 결정이 기록되었습니다: ${state}.`,
    delivered: {
      header: '새 AWS Access Key가 준비되었습니다',
      body: (id, user, account) =>
        `계정 ${account}의 IAM 사용자 ${user}에 새 Access Key ${id}를 만들어 그 계정의 AWS Secrets Manager에 저장했습니다. 본인만 읽을 수 있으며 Slack에는 없습니다.`,
      open: 'Secrets Manager 콘솔에서 열기',
      signIn: (account) => `먼저 계정 ${account}에 로그인하세요.`,
      cli: '또는 AWS CLI로 읽기:',
      configure:
        '그다음 새 키를 `aws configure`(또는 비밀 저장소)에 넣고 `aws sts get-caller-identity`로 확인하세요.',
      schedule: (oldId, deactivate, del) =>
        `이전 키 ${oldId}는 ${deactivate}에 비활성화되고 그로부터 ${del}일 뒤 삭제됩니다. 버튼을 누르면 더 빨리 처리됩니다.`,
    },
    inUse: (oldId, until) =>
      `새 키를 만든 뒤에도 이전 키 ${oldId}가 사용되어 아직 비활성화하지 *않았습니다*. ${until}에는 무조건 비활성화되니 그 전에 모두 새 키로 바꾸세요. 보안 담당과 승인자에게 알렸습니다. 최근 사용:`,
    inUseAlert: {
      postponed: (owner, user, oldId, until) =>
        `:rotating_light: IAM 사용자 ${user}(${owner})의 교체된 키 ${oldId}가 교체 후에도 사용되었습니다. 비활성화를 ${until}로 한 번 미뤘으며 다시 미루지 않습니다. 본인의 사용이 아니라면 지금 비활성화하세요. 최근 사용:`,
      deactivated: (owner, user, oldId) =>
        `:rotating_light: IAM 사용자 ${user}(${owner})의 교체된 키 ${oldId}가 한 번의 유예 뒤에도 사용되어 그대로 비활성화했습니다. 최근 사용:`,
    },
    reactivatedAlert: (owner, user, oldId, until) =>
      `:warning: ${owner}님이 IAM 사용자 ${user}의 교체된 키 ${oldId}를 다시 활성화했습니다. ${until}에 다시 비활성화됩니다.`,
    inUseUnknown: 'CloudTrail에서 사용 위치를 확인할 수 없습니다.',
    inUseEvent: (time, event, source, ip, agent) => `• ${time} — ${event} (${source}) ${ip}, ${agent}`,
    deactivatedNotice: (oldId, del) =>
      `이전 키 ${oldId}를 비활성화했습니다. ${del}에 삭제됩니다. 문제가 생겼다면 다시 활성화하세요:`,
    deletedNotice: (oldId) => `이전 키 ${oldId}를 삭제했습니다. 교체가 끝났습니다.`,
    message: {
      title: 'Access Key 교체 요청',
      requester: '요청자',
      user: 'IAM 사용자',
      account: '계정',
      key: '키',
      age: '경과',
      lastUsed: '마지막 사용',
      reason: '사유',
      approvals: (n, of) => `승인: ${of}명 중 ${n}명`,
      privileged: '관리자 수준 사용자: 2인 승인 규칙이 적용됩니다.',
      approve: '승인',
      deny: '거절',
      state: {
        requested: '승인 대기 중',
        approved: '승인됨 — 새 키 생성 중',
        key_created: '승인됨 — 새 키 생성됨',
        delivered: '승인됨 — 새 키 전달됨',
        old_deactivated: '완료 — 이전 키 비활성화',
        old_deleted: '완료 — 이전 키 삭제',
        denied: '거절됨',
        expired: '만료됨',
        failed: '실패',
      },
      decidedBy: (who, when) => `${who}, ${when}`,
    },
  },
  nudge: {
    rules: {
      key_rotation_due: (days) => `Access Key가 ${days}일 되었습니다: 교체할 때입니다.`,
      key_rotation_soon: (days) => `${days}일 뒤 Access Key 교체 시기가 됩니다.`,
      key_unused: (days) => `Access Key를 ${days}일 동안 사용하지 않았습니다: 필요 없다면 삭제하세요.`,
      two_active_keys: () => '활성 Access Key가 두 개입니다: 하나만 남기세요.',
      console_without_mfa: () => 'MFA 없이 AWS 콘솔에 로그인할 수 있습니다: MFA 디바이스를 설정하세요.',
      keys_without_mfa: () => 'Access Key를 사용하지만 MFA 디바이스가 없습니다: 설정하세요.',
      sso_with_active_key: () =>
        'IAM Identity Center로 로그인하지만 Access Key가 아직 활성 상태입니다: /aws-mfa의 7단계에서 폐기하세요.',
      login_with_active_key: () =>
        '`aws login`을 사용하지만 Access Key가 아직 활성 상태입니다: CLI에 더 이상 필요 없으니 /aws-mfa의 6단계에서 비활성화하세요.',
      root_without_mfa: () => '루트 계정에 MFA가 없습니다.',
      root_access_keys: () => '루트 계정에 활성 Access Key가 있습니다.',
      root_used_recently: () => '지난 하루 동안 루트 계정이 사용되었습니다.',
      root_credentials_present: () =>
        '루트 액세스를 중앙에서 관리하는 멤버 계정에 루트 자격 증명이 남아 있습니다: MFA를 추가하지 말고 삭제하세요 (IAMDeleteRootUserCredentials).',
      key_quarantined: () =>
        ':rotating_light: AWS가 노출된 Access Key를 발견해 IAM 사용자를 *격리*했습니다 (`AWSCompromisedKeyQuarantineV3`): 이제 키를 만들거나 바꿀 수 없습니다. 지금 키 교체를 요청하세요 — 승인자가 결정하고 봇이 교체합니다 — 그리고 기존 키가 어디서 쓰였는지 확인하세요.',
    },
    quarantineAlert: (user, owner) =>
      `AWS가 IAM 사용자 ${user}을(를) 격리했습니다 (Access Key 노출). 소유자: ${owner}, 방금 알렸습니다.`,
    quarantineNext:
      '키 교체는 평소의 승인을 거쳐 봇이 수행합니다. 검토가 끝나면 격리 정책을 제거하세요: 봇은 제거하지 않습니다.',
    quarantineActivity: '*이 사용자의 키로 최근에 한 호출 (CloudTrail):*',
    quarantineActivityNone: '지난 7일 동안 CloudTrail에 이 사용자의 키로 한 호출이 없습니다.',
    quarantineActivityUnknown: '봇이 CloudTrail을 읽지 못해 키의 최근 호출을 보여 드릴 수 없습니다.',
    forUser: (user) => `IAM 사용자 ${user}`,
    summary: (n) => `AWS에서 고칠 것 ${n}가지`,
    more: (n, rules) => `…외 ${n}건 (${rules}): /aws-mfa로 체크리스트를 여세요.`,
    rotate: '키 교체 요청',
    checklist: '체크리스트 열기',
    snooze: '7일 미루기',
    notMine: '내 계정이 아님',
    snoozed: (until) => `${until}까지 미뤘습니다.`,
    reported: '보안팀에 알렸습니다. 감사합니다.',
    alreadyReported: '이미 신고한 계정입니다. 보안 팀이 확인하고 있습니다.',
    tooMany: '짧은 시간에 여러 번 신고했습니다. 한 시간 뒤에 다시 시도하거나 보안 팀에 직접 연락하세요.',
    notYours: '이 알림은 당신에게 보낸 것이 아니어서 버튼이 동작하지 않습니다. 아무것도 바뀌지 않았습니다.',
    gone: '이 알림은 더 이상 해당되지 않습니다.',
  },
  digest: {
    title: 'AWS IAM 점검',
    counts: '규칙별 발견 사항',
    none: '발견 사항이 없습니다. :tada:',
    change: (delta) => (delta === 0 ? '변화 없음' : delta > 0 ? `+${delta}` : `${delta}`),
    root: '루트 계정',
    escalations: '3번 알림 후에도 응답 없음',
    escalation: (who, user, rule, n) => `${who} — ${user}: ${rule} (알림 ${n}회)`,
    byAccount: '계정별 발견 사항 (많은 순)',
    account: '계정',
    total: '합계',
    stages: '사람별 현재 단계',
    stage: {
      iam_keys: '활성 Access Key가 있는 IAM 사용자',
      iam_mfa_no_keys: 'MFA가 있고 키가 없는 IAM 사용자',
      aws_login: '`aws login` 사용 중 (키 불필요)',
      identity_center: 'IAM Identity Center 사용 중',
      iam_other: 'MFA도 키도 없는 IAM 사용자',
    },
    unreadable: (n) =>
      `읽지 못한 계정 (${n}): 역할을 맡지 못했거나, SCP가 막았거나, AWS가 요청을 제한했습니다`,
    unmapped: (n) => `Slack 소유자가 없는 발견 사항 IAM 사용자 (${n})`,
    exempt: (n) => `예외 사용자 (${n})`,
    more: (n) => `…외 ${n}명`,
    notMine: (who, user) =>
      `${who}님이 IAM 사용자 ${user}는 본인 것이 아니라고 합니다. 태그(SlackUserId, 이메일)를 확인하세요.`,
    mappingChanged: (user, from, to, rule) =>
      `:warning: Access Key가 있는 IAM 사용자 ${user}가 이제 ${to}에 매핑됩니다(이전: ${from}, 규칙: ${rule}). 예상한 변경이 아니라면 태그를 고치세요. Slack의 e-mail 변경으로 키가 넘어가면 안 됩니다.`,
    mappingNew: (user, to, rule) =>
      `:warning: Access Key가 있는 IAM 사용자 ${user}가 처음으로 e-mail(${rule})로 ${to}에 매핑되었습니다. EMAIL_MAPPING_TRUST_HOURS가 지나거나 운영자가 신뢰하면(\`aws-mfa-bot identities trust\`) 키 작업이 열립니다. ${to}가 소유자가 아니라면(떠난 소유자의 주소를 누가 이어받은 경우) 지금 태그를 고치세요.`,
    mappingsNew: (n) =>
      `:warning: Access Key가 있는 IAM 사용자 ${n}명이 처음으로 e-mail로 Slack 사용자에 매핑되었습니다. \`aws-mfa-bot identities\`로 검토하고 맞는 것은 \`aws-mfa-bot identities trust\`로 신뢰하세요:`,
    mappingsTrusted: (n, by) =>
      `:white_check_mark: ${by}님이 e-mail 매핑 ${n}개를 신뢰했습니다(\`aws-mfa-bot identities trust\`). 이제 해당 사용자가 키 작업을 할 수 있습니다.`,
    identityConflict: (who, users) =>
      `:no_entry: 여러 IAM 사용자가 ${who}로 매핑됩니다: ${users}. 관리자가 잘못된 SlackUserId/e-mail 태그를 지우거나 각 사용자를 \`aws-mfa-bot:owner-confirmed\`로 확인할 때까지 키 작업을 거부합니다.`,
  },
  retire: {
    button: '이 키 비활성화',
    modalTitle: '키 비활성화',
    submit: '비활성화',
    confirm: (id, user, lastUse) =>
      `IAM 사용자 ${user}의 Access Key ${id}를 비활성화할까요?\n*마지막 사용:* ${lastUse}`,
    consequence: (del) =>
      `이 키를 쓰는 것은 즉시 동작을 멈춥니다. ${del}에 삭제되기 전까지는 다시 활성화할 수 있습니다. 접근을 없애기만 하므로 승인이 필요 없습니다.`,
    otherStays: (id) => `다른 키 ${id}는 그대로 활성 상태입니다.`,
    done: (id, user, del) =>
      `IAM 사용자 ${user}의 Access Key ${id}가 비활성화되었습니다. ${del}에 삭제됩니다. 문제가 생기면 그 전에 다시 활성화하세요:`,
    reactivate: '다시 활성화',
    switchedOff: (id, user) =>
      `IAM 사용자 ${user}의 키 ${id}가 비활성화되었습니다. 소유자에게 삭제 날짜와 다시 활성화 버튼이 담긴 DM을 보냈습니다.`,
    doneFinal: (id, user, del) =>
      `IAM 사용자 ${user}의 Access Key ${id}가 다시, 영구히 비활성화되었습니다. ${del}에 삭제됩니다.`,
    doneLeaked: (id, user, del) =>
      `IAM 사용자 ${user}의 Access Key ${id}가 Slack에 붙여 넣어져 영구히 비활성화되었습니다. ${del}에 삭제됩니다. 키가 계속 필요하면 /aws-mfa rotate로 새 키를 요청하세요(이 키를 고르면 다시 쓰지 않고 교체합니다).`,
    reactivated: (id, until) =>
      `키 ${id}가 ${until}까지 다시 활성화되었습니다. 그 뒤에는 영구히 비활성화되고 일정대로 삭제됩니다. 보안 팀에 알렸습니다.`,
    leakedStaysOff: (id) =>
      `키 ${id}는 Slack에 붙여 넣어졌기 때문에 비활성 상태로 둡니다. 본 사람은 누구나 쓸 수 있습니다. /aws-mfa rotate로 새 키를 요청하세요. 아무것도 바뀌지 않았습니다.`,
    onceOnly:
      '이 키는 이미 한 번 다시 활성화되었기 때문에 이제 비활성 상태로 둡니다. /aws-mfa rotate로 새 키를 요청하세요. 아무것도 바뀌지 않았습니다.',
    alertSwitchedOff: (id, user, actor) =>
      `:lock: IAM 사용자 ${user}의 붙여 넣어진 키 ${id}를 ${actor}님이 비활성화했습니다.`,
    alertReactivated: (id, user, owner, until) =>
      `:warning: ${owner}님이 폐기한 키 ${id}(IAM 사용자 ${user})를 다시 활성화했습니다. ${until}에 영구히 다시 비활성화됩니다.`,
    alertReactivatedOutside: (id, user) =>
      `:warning: IAM 사용자 ${user}의 폐기된 키 ${id}가 봇 밖에서(콘솔이나 API) 다시 활성화되었습니다. 켜진 채로 두고 삭제하지 않습니다. 누가 했는지 CloudTrail을 확인하세요.`,
    deleted: (id) => `비활성 Access Key ${id}가 예정대로 삭제되었습니다.`,
    refused: {
      not_owner: '이 IAM 사용자에 매핑된 사람만 키를 비활성화할 수 있습니다. 아무것도 바뀌지 않았습니다.',
      not_active: '이미 비활성 상태이거나 없는 키입니다. 아무것도 바뀌지 않았습니다.',
      bot_principal:
        '봇 자신의 AWS 주체의 키입니다. 봇은 자신의 키를 끄지 않습니다. 아무것도 바뀌지 않았습니다.',
      in_rotation: '교체 중인 키입니다. 교체 메시지의 "지금 비활성화" 버튼을 사용하세요.',
      untrusted: '이 IAM 사용자와의 매핑을 아직 신뢰할 수 없어 봇이 키 작업을 하지 않습니다.',
      not_reported:
        'Slack에 붙여 넣어졌다고 보고된 적이 없는(또는 그 뒤 비활성화된) 키입니다. 승인자는 보고된 키에만 조치할 수 있습니다. 아무것도 바뀌지 않았습니다.',
    },
    already: '이 키는 이미 비활성화 중입니다.',
    failed: '키를 비활성화하지 못했습니다. 운영자에게 로그로 알렸습니다. 나중에 다시 시도하세요.',
    notNow: '이 키는 더 이상 삭제 대기 중이 아닙니다.',
  },
  pasted: {
    thread:
      ':warning: 이 메시지에 AWS Access Key로 보이는 것이 있습니다. 메시지를 지우고 키가 유출된 것으로 보세요. 우리 키라면 소유자와 보안 팀에 조치 방법을 알렸습니다. 키를 Slack이나 코드에 붙여 넣지 마세요.',
    flood: (poster, where, keys, link) =>
      `:rotating_light: ${poster}님이 ${where}에 Access Key ID를 많이 붙여 넣고 있습니다. ${link}의 ${keys}개는 조회하지 않았습니다. 이후 것은 이 스레드에서 셉니다.`,
    floodMore: (keys, link) => `조회하지 않은 키 ID ${keys}개 더: ${link}.`,
    ownerDm: (id, user, link, secret) =>
      `:rotating_light: Access Key ${id}(IAM 사용자 ${user})가 Slack에 붙여 넣어졌습니다: ${link}.${secret ? ' 옆에 Secret Access Key도 있었습니다.' : ''} 유출된 것으로 보고 지금 비활성화하세요. 키가 계속 필요하면 새 키를 요청하세요. 메시지도 지우세요.`,
    deactivateNow: '지금 비활성화',
    requestRotation: '키 교체 요청',
    alert: (id, where, poster, link, secret, owner) =>
      `:rotating_light: AWS Access Key ${id}가 ${where}에 ${poster}에 의해 붙여 넣어졌습니다: ${link}. ${secret ? '*옆에 Secret Access Key도 있었습니다.*' : '옆에 Secret은 없었습니다.'} ${owner}`,
    alertOwner: (user, owner) => `IAM 사용자 ${user}(${owner})에게 조치 방법을 보냈습니다.`,
    alertUnmapped: (user) => `IAM 사용자 ${user}는 Slack 소유자가 없습니다. 직접 비활성화하세요.`,
    alertOtherAccount: (account) => `이 봇의 계정이 아닌 다른 AWS 계정(${account})의 키입니다.`,
    alertUnknown: '누구의 키인지 알 수 없었습니다.',
    alertTemporary:
      '임시 키(ASIA…)라 비활성화할 수 없습니다. 끊으려면 역할의 활성 세션을 취소하거나(IAM 콘솔 → 역할 → 활성 세션 취소), GetSessionToken 키라면 그것을 만든 장기 키를 비활성화하세요.',
    noLink: '링크 없음',
  },
  lostDevice: {
    button: '디바이스를 잃어버렸거나 고장났나요?',
    modalTitle: 'MFA 디바이스 분실',
    submit: '재설정 요청',
    intro: (user) =>
      `IAM 사용자 ${user}의 MFA 디바이스를 제거해 새 디바이스를 등록할 수 있도록 승인자에게 요청합니다. 승인자는 승인 전에 Slack 밖에서(화상 통화나 대면으로) 본인임을 확인합니다.`,
    noDevice: '등록된 MFA 디바이스가 없어 재설정할 것이 없습니다. 새로 설정하세요(/aws-mfa 1단계).',
    deviceLabel: '디바이스',
    deviceOption: (serial, type, enabled) => `${serial} · ${type} · ${enabled} 활성화`,
    whatLabel: '무슨 일이 있었나요',
    what: { lost: '분실', broken: '고장', replaced: '교체(새 휴대폰)' },
    noteLabel: '승인자에게 남길 메모',
    noteHint: '언제, 어떻게, 그리고 화상 통화로 연락할 방법. 500자 이내.',
    errors: {
      note_required: '승인자에게 남길 메모를 적어 주세요.',
      note_too_long: '500자 이내로 적어 주세요.',
      device_not_yours: '본인의 디바이스가 아닙니다.',
      open_request: '이 IAM 사용자에 대해 이미 진행 중인 재설정 요청이 있습니다.',
    },
    submitted: (serial) =>
      `${serial} 재설정 요청을 승인자에게 보냈습니다. 승인자가 화상 통화나 대면으로 확인할 것입니다. 결정되면 DM으로 알려 드립니다.`,
    submitFailed: (reason) => `재설정 요청을 접수하지 못했습니다: ${reason}.`,
    message: {
      title: 'MFA 디바이스 재설정 요청',
      device: '디바이스',
      what: '무슨 일',
      note: '메모',
      verify:
        ':warning: "휴대폰을 잃어버렸어요"는 남의 계정에 들어가는 전형적인 방법입니다. *Slack 밖에서*(화상 통화나 대면으로) 본인임을 확인한 뒤에만 승인하세요.',
      state: {
        requested: '승인 대기 중',
        approved: '승인됨 — 디바이스 제거 중',
        removed: '디바이스 제거됨 — 재등록 대기 중',
        reenrolled: '완료 — 새 디바이스 활성화됨',
        overdue: '디바이스 제거됨 — 아직 새 디바이스 없음',
        denied: '거부됨',
        expired: '만료됨',
        failed: '실패',
      },
    },
    confirmTitle: 'MFA 재설정 승인',
    confirmBody: (who, user, serial) =>
      `IAM 사용자 ${user}(${who})에서 ${serial}를 제거하는 것을 승인합니다. 이 Slack 계정을 가진 사람이 새 디바이스를 등록할 수 있게 됩니다.`,
    confirmLabel: '본인 확인',
    confirmOption: 'Slack 밖에서(화상 통화나 대면으로) 본인임을 확인했습니다',
    confirmRequired: '먼저 Slack 밖에서 본인을 확인하고 체크하세요. 아무것도 바뀌지 않았습니다.',
    approve: '승인',
    denyTitle: 'MFA 재설정 거부',
    recorded: (n, of) => `승인이 기록되었습니다 (${n}/${of}).`,
    refused: {
      self: '자신의 재설정은 승인할 수 없습니다. 아무것도 바뀌지 않았습니다.',
      not_approver: '이 재설정을 결정할 권한이 없습니다. 아무것도 바뀌지 않았습니다.',
      closed: '이미 결정된 재설정입니다.',
      expired:
        '결정되기 전에 만료된 재설정 요청입니다. 아무것도 변경되지 않았습니다. 본인이 다시 요청할 수 있습니다.',
      already_approved: '이미 승인하셨습니다. 다른 승인자가 필요합니다.',
      not_verified: '먼저 Slack 밖에서 본인을 확인하고 체크하세요. 아무것도 바뀌지 않았습니다.',
      not_found: '더 이상 없는 재설정입니다.',
    },
    decided: {
      approved: (serial) => `${serial} 재설정이 승인되었습니다. 디바이스를 제거하는 중입니다.`,
      denied: (serial, by, reason) => `${serial} 재설정이 ${by}에 의해 거부되었습니다: ${reason}`,
      expired: (serial) =>
        `${serial} 재설정 요청이 충분한 승인 없이 만료되었습니다. /aws-mfa lost-device로 다시 요청하세요.`,
      failed: (serial) =>
        `${serial} 재설정에 실패했습니다. 운영자에게 로그로 알렸습니다. 승인 채널에 문의하세요.`,
    },
    done: (serial, user, until) =>
      `IAM 사용자 ${user}에서 MFA 디바이스 ${serial}를 제거했습니다. *지금 새 디바이스를 등록하세요*(/aws-mfa 1–2단계). 디바이스가 없는 동안 Deny-unless-MFA 정책은 등록 말고는 아무것도 허용하지 않습니다. ${until}까지 활성화된 디바이스가 없으면 보안 팀에 알립니다.`,
    enrol: (serial) =>
      `IAM 콘솔 → 사용자 → 내 사용자 → 보안 자격 증명 → MFA 디바이스 할당 → 가상 MFA 디바이스. ARN이 ${serial}가 되도록 이름을 정하고, QR 코드를 스캔한 뒤 연속된 코드 두 개를 입력하세요.`,
    overdue: (user) =>
      `:warning: IAM 사용자 ${user}에 재설정 이후 아직 MFA 디바이스가 없습니다. 지금 등록하세요(/aws-mfa 1–2단계).`,
    overdueAlert: (owner, user, serial, since) =>
      `:warning: ${owner}의 MFA 디바이스 ${serial}(IAM 사용자 ${user})가 ${since}에 재설정된 뒤 새 디바이스가 활성화되지 않았습니다.`,
  },
  rootDeletion: {
    button: '루트 자격 증명 삭제',
    requested: (account) =>
      `${account}의 루트 자격 증명 삭제를 승인 요청으로 올렸습니다. 다른 승인자 두 명이 동의해야 합니다. 아직 아무것도 바뀌지 않았습니다.`,
    refused: {
      not_approver: '루트 자격 증명 삭제는 승인자만 요청할 수 있습니다. 아무것도 바뀌지 않았습니다.',
      not_member:
        '봇이 관리하는 멤버 계정(AWS_ACCOUNTS 중 봇 자신의 계정이 아닌 계정)이 아닙니다. 아무것도 바뀌지 않았습니다.',
      sessions_off:
        '조직에서 루트 세션이 켜져 있지 않습니다. 먼저 IAM → 루트 액세스 관리에서 *멤버 계정의 권한 있는 루트 작업*(RootSessions)을 켜세요. 아무것도 바뀌지 않았습니다.',
      open_request: '이 루트 자격 증명의 삭제가 이미 승인을 기다리고 있습니다.',
      self: '이 삭제를 요청하셨으므로 다른 승인자 두 명이 결정합니다. 아무것도 바뀌지 않았습니다.',
      not_approver_decide: '이 삭제를 결정할 권한이 없습니다. 아무것도 바뀌지 않았습니다.',
      closed: '이미 결정된 삭제입니다.',
      expired:
        '결정되기 전에 만료된 요청입니다. 아무것도 바뀌지 않았습니다. 다음 다이제스트에서 다시 요청하세요.',
      already_approved: '이미 승인하셨습니다. 다른 승인자가 필요합니다.',
      not_found: '더 이상 없는 요청입니다.',
    },
    recorded: (n, of) =>
      `승인이 기록되었습니다(${n}/${of}). ${of}명이 승인할 때까지 아무것도 바뀌지 않습니다.`,
    failedToAsk: (reason) => `삭제를 요청하지 못했습니다: ${reason}. 아무것도 바뀌지 않았습니다.`,
    message: {
      title: '멤버 계정 루트 자격 증명 삭제',
      what: '하는 일',
      whatText:
        '봇이 그 계정에서 루트 세션을 엽니다(`sts:AssumeRoot`, IAMDeleteRootUserCredentials, 최대 5분). 루트의 콘솔 암호, Access Key, 서명 인증서, MFA 디바이스를 삭제합니다. 이후 루트는 관리 계정의 암호 복구로만 다시 로그인할 수 있습니다.',
      state: {
        requested: '승인 대기',
        approved: '승인됨 — 삭제 중',
        deleted: '삭제됨',
        denied: '거부됨',
        expired: '만료됨',
        failed: '실패',
      },
      removed: '삭제한 것',
      approve: '삭제 승인',
    },
    denyTitle: '루트 삭제 거부',
    decided: {
      approved: (account) => `${account}의 루트 자격 증명 삭제가 승인되었습니다. 지금 삭제합니다.`,
      denied: (account, by) => `${account}의 루트 자격 증명 삭제가 ${by}에 의해 거부되었습니다:`,
      expired: (account) => `${account}의 루트 자격 증명 삭제 요청이 충분한 승인 없이 만료되었습니다.`,
      failed: (account) =>
        `${account}의 루트 자격 증명 삭제에 실패했습니다. 승인 메시지와 봇 로그를 확인하세요.`,
    },
    done: (account, what, approvers) =>
      `:white_check_mark: ${account}의 루트 자격 증명을 삭제했습니다(승인: ${approvers}): ${what}.`,
    failedAlert: (account, why) =>
      `:x: ${account}의 루트 자격 증명 삭제에 실패했습니다: ${why}. 더 시도하지 않습니다. 다음 다이제스트에서 다시 요청하세요.`,
    removed: {
      password: '콘솔 암호',
      keys: (n) => `Access Key ${n}개`,
      certs: (n) => `서명 인증서 ${n}개`,
      devices: (n) => `MFA 디바이스 ${n}개`,
      none: '남은 것이 없었습니다',
    },
  },
  workflowSteps: {
    unmapped: (who) =>
      `${who}에게 연결된 AWS IAM 사용자가 없습니다. IAM 사용자에 SlackUserId(또는 이메일 주소) 태그를 달고 워크플로를 다시 실행하세요.`,
    lookupFailed: (reason) => `AWS IAM 사용자를 조회하지 못했습니다: ${reason}. 아무것도 바뀌지 않았습니다.`,
    couldNotCheck: (reason) =>
      `AWS IAM 사용자를 확인하지 못했습니다: ${reason}. 나중에 워크플로를 다시 실행하세요.`,
    untrusted: (why) => `${why} 아무것도 바뀌지 않았습니다.`,
    noActiveKey: '교체할 활성 Access Key가 없습니다. 아무것도 바뀌지 않았습니다.',
    openRotation: '그 키의 교체가 이미 승인을 기다리고 있습니다. 아무것도 바뀌지 않았습니다.',
    reasonTooLong: '사유가 500자를 넘습니다. 아무것도 바뀌지 않았습니다.',
    defaultReason: 'Workflow Builder 단계에서 요청',
    noDevice: '재설정할 MFA 디바이스가 없습니다. 아무것도 바뀌지 않았습니다.',
    severalDevices: (n) =>
      `MFA 디바이스가 ${n}개 있습니다. /aws-mfa lost-device에서 재설정할 디바이스를 고르세요. 아무것도 바뀌지 않았습니다.`,
    openReset: '그 디바이스의 재설정이 이미 승인을 기다리고 있습니다. 아무것도 바뀌지 않았습니다.',
    what: '"무슨 일"은 lost, broken, replaced 중 하나여야 합니다. 아무것도 바뀌지 않았습니다.',
    noteRequired: '승인자를 위한 메모가 필요합니다. 아무것도 바뀌지 않았습니다.',
    noteTooLong: '메모가 500자를 넘습니다. 아무것도 바뀌지 않았습니다.',
    failed: (reason) => `AWS가 거부했습니다: ${reason}. 아무것도 바뀌지 않았습니다.`,
    notRunner:
      '이 단계는 워크플로를 실행한 사람만을 위해 동작합니다. 사람 입력을 "Person who used this workflow"로 두세요. 아무것도 바뀌지 않았습니다.',
  },
  trail: {
    rootActivity: (event, time, region, ip) =>
      `:rotating_light: *루트 계정*이 사용되었습니다: ${event}, ${time}, ${region}, ${ip}.`,
    keyOutside: (user, actor, time, ip) =>
      `:key: ${user}의 Access Key가 교체 절차(\`/aws-mfa rotate\`) 밖에서 만들어졌습니다: ${actor}, ${time}, ${ip}.`,
  },
};

const catalogs: Readonly<Record<string, Messages>> = { en, ko };

/** Slack locales look like `ko-KR`; anything without a catalog falls back to English. */
export function messagesFor(locale: string | undefined): Messages {
  const language = (locale ?? 'en').slice(0, 2).toLowerCase();
  return catalogs[language] ?? en;
}
