import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

const REGIONS = ['ap-northeast-2', 'us-east-1'];

/** Every SecretAccessKey stored in moto's Secrets Manager during the run, all versions. */
async function storedSecretKeys(motoUrl: string): Promise<string[]> {
  const keys: string[] = [];
  for (const region of REGIONS) {
    const sm = new SecretsManagerClient({
      endpoint: motoUrl,
      region,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    let token: string | undefined;
    do {
      const page = await sm.send(new ListSecretsCommand({ NextToken: token }));
      for (const secret of page.SecretList ?? []) {
        const versions = await sm.send(
          new ListSecretVersionIdsCommand({ SecretId: secret.ARN, IncludeDeprecated: true }),
        );
        for (const v of versions.Versions ?? []) {
          const value = await sm.send(
            new GetSecretValueCommand({ SecretId: secret.ARN, VersionId: v.VersionId }),
          );
          // Tests also plant secrets that are not the bot's (not JSON): only the bot's carry a key.
          const parsed = parseJson(value.SecretString) as { SecretAccessKey?: string } | undefined;
          if (parsed?.SecretAccessKey) keys.push(parsed.SecretAccessKey);
        }
      }
      token = page.NextToken;
    } while (token);
    sm.destroy();
  }
  return keys;
}

/**
 * The suite-wide check: no secret access key the bot created appears in anything a test recorded leaving the bot
 * (Slack calls, response URLs, logs). Throws, failing the run, when one does.
 */
export async function scanForLeaks(
  motoUrl: string,
  dir: string,
): Promise<{ secrets: number; files: number }> {
  const secrets = await storedSecretKeys(motoUrl);
  const files = readdirSync(dir);
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const leaked = secrets.filter((s) => text.includes(s));
    if (leaked.length > 0) {
      throw new Error(
        `SECRET LEAK: ${leaked.length} secret access key(s) created by the bot appear in ${file}`,
      );
    }
  }
  return { secrets: secrets.length, files: files.length };
}

function parseJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '{}');
  } catch {
    return undefined;
  }
}
