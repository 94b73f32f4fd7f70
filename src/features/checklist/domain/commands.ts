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
