/** Shell snippets the checklist hands to the user, filled in with their own device and region. */

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export function awsConfigureCommand(region: string): string {
  return [
    'aws configure',
    '# AWS Access Key ID: <your access key id>',
    '# AWS Secret Access Key: <your secret access key>',
    `# Default region name: ${region}`,
    '# Default output format: json',
  ].join('\n');
}

export function getSessionTokenCommand(mfaSerial: string): string {
  return `aws sts get-session-token --serial-number ${shellQuote(mfaSerial)} --token-code <6-digit code>`;
}

/** Requests temporary credentials and exports them into the current shell in one go (no jq needed). */
export function exportSessionSnippet(mfaSerial: string, region: string): string {
  return [
    `read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<< "$(aws sts get-session-token \\`,
    `  --serial-number ${shellQuote(mfaSerial)} --token-code "$MFA_CODE" \\`,
    `  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)"`,
    'export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN',
    `export AWS_REGION=${shellQuote(region)}`,
    'aws sts get-caller-identity',
  ].join('\n');
}

/** AWS's own installer: a distribution's package is often years old (Debian 12 ships 2.9), too old for `aws login`. */
export const CLI_INSTALL_URL =
  'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html';

/** A profile name for one account, safe in a shell: `aws-123456789012`. */
export const loginProfile = (accountId: string) => `aws-${accountId.replace(/[^0-9A-Za-z_-]/g, '')}`;

/**
 * The keyless way for a console user: `aws login` writes a profile with `login_session` and keeps its temporary
 * credentials fresh for up to 12 hours. The region is set first, so the login does not have to ask.
 */
export function awsLoginCommands(accountId: string, region: string): string {
  const profile = loginProfile(accountId);
  return [
    'aws --version   # 2.32.0 or later',
    `aws configure set region ${shellQuote(region)} --profile ${profile}`,
    `aws login --profile ${profile}`,
    `aws sts get-caller-identity --profile ${profile}`,
  ].join('\n');
}

/** For those who keep a key and have a code device: the CLI asks for the code and writes the session into a profile. */
export function mfaLoginCommand(mfaSerial: string): string {
  return `aws configure mfa-login --serial-number ${shellQuote(mfaSerial)} --update-profile mfa`;
}
