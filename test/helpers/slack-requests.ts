import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface Signed {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Signs a body the way Slack does: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"). */
export function sign(
  body: string,
  contentType: string,
  options: { secret?: string; timestamp?: number } = {},
): Signed {
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  const mac = createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${ts}:${body}`)
    .digest('hex');
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': `v0=${mac}`,
    },
  };
}

export function slashCommand(fields: Record<string, string>, options?: Parameters<typeof sign>[2]): Signed {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: 'C0GENERAL1',
    channel_name: 'general',
    command: '/aws-mfa',
    text: '',
    api_app_id: 'A0FAKE',
    ...fields,
  }).toString();
  return sign(body, 'application/x-www-form-urlencoded', options);
}

export function interaction(payload: Record<string, unknown>, options?: Parameters<typeof sign>[2]): Signed {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return sign(body, 'application/x-www-form-urlencoded', options);
}

export function eventCallback(event: Record<string, unknown>, options?: Parameters<typeof sign>[2]): Signed {
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    api_app_id: 'A0FAKE',
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0FAKE', user_id: 'UBOT0001', is_bot: true }],
    event,
  });
  return sign(body, 'application/json', options);
}

export async function post(baseUrl: string, signed: Signed): Promise<{ status: number; text: string }> {
  const r = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  return { status: r.status, text: await r.text() };
}

/** A signed block_actions payload: `userId` clicked button `actionId` on `view`. */
export function buttonClick(
  userId: string,
  triggerId: string,
  view: { id: string; type: 'modal' | 'home' },
  actionId: string,
  value?: string,
): Signed {
  return interaction({
    type: 'block_actions',
    user: { id: userId },
    team: { id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    trigger_id: triggerId,
    view,
    actions: [
      { type: 'button', action_id: actionId, block_id: 'b', action_ts: '1', ...(value ? { value } : {}) },
    ],
  });
}

/** A signed view_submission: `userId` submits the modal `callbackId` carrying `privateMetadata` and input `values`. */
export function viewSubmission(
  userId: string,
  triggerId: string,
  callbackId: string,
  privateMetadata: string,
  values: Record<string, Record<string, unknown>> = {},
): Signed {
  return interaction({
    type: 'view_submission',
    team: { id: 'T0FAKE' },
    user: { id: userId },
    api_app_id: 'A0FAKE',
    trigger_id: triggerId,
    view: {
      id: 'V0SUBMIT',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      state: { values },
    },
  });
}
