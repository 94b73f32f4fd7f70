import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
  type SimulatePrincipalPolicyCommandInput,
  type SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { GUIDE_POLICY } from '../../../../src/features/checklist/domain/mfa-policy.js';
import { type AwsProxy, startAwsProxy } from '../../../fakes/aws-proxy.js';
import { describeWithMoto, motoUrl, unique } from '../../../helpers/aws.js';
import { type Engineer, openChecklistView, useTestBot } from '../../../helpers/bot.js';
import { post, slashCommand } from '../../../helpers/slack-requests.js';

// moto has no CloudTrail LookupEvents and no SimulatePrincipalPolicy: those two alone are mocked, every other IAM
// call goes through to moto.
const trail = mockClient(CloudTrailClient);
const iamMock = mockClient(IAMClient);
iamMock.send.callThrough();

type Simulate = (input: SimulatePrincipalPolicyCommandInput) => Partial<SimulatePrincipalPolicyCommandOutput>;
/** AWS's simulator, answering `decision` for every action. */
const simulatorSaying =
  (decide: (mfa: string | undefined) => 'allowed' | 'explicitDeny' | 'implicitDeny'): Simulate =>
  (input) => ({
    EvaluationResults: (input.ActionNames ?? []).map((a) => ({
      EvalActionName: a,
      EvalResourceName: '*',
      EvalDecision: decide(input.ContextEntries?.[0]?.ContextKeyValues?.[0]),
    })),
  });

const MFA_FALSE = { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } };
const denyUnlessMfa = (condition: unknown, notAction: string[] = [...GUIDE_POLICY.Statement[0].NotAction]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', NotAction: notAction, Resource: '*', Condition: condition }],
  });

describeWithMoto('step 5 and /aws-mfa policy: the verdict IAM would give', () => {
  let proxy: AwsProxy;
  let simulations: SimulatePrincipalPolicyCommandInput[];
  let simulate: Simulate;

  beforeAll(async () => {
    proxy = await startAwsProxy(motoUrl as string);
  });
  afterAll(async () => {
    iamMock.restore();
    await proxy.stop();
  });
  beforeEach(async () => {
    simulations = [];
    simulate = simulatorSaying(() => 'explicitDeny');
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .callsFake(async (input: SimulatePrincipalPolicyCommandInput) => {
        simulations.push(input);
        return simulate(input);
      });
  });
  const t = useTestBot({ awsEndpoint: () => proxy.url, trail });

  async function policyAnswer(who: Engineer): Promise<string> {
    const before = t.fake.responses.length;
    await post(
      t.baseUrl,
      slashCommand({ user_id: who.slackUserId, text: 'policy', response_url: t.fake.responseUrl() }),
    );
    await t.fake.waitFor(() => t.fake.responses.length > before);
    return JSON.stringify(t.fake.responses.at(-1)?.body.blocks);
  }

  async function step5(who: Engineer): Promise<string> {
    const { view } = await openChecklistView(t, who);
    return view.blocks.map((b) => b.text?.text ?? '').find((x) => x.includes('*5. ')) ?? '';
  }

  async function managedPolicy(document: string): Promise<{ name: string; arn: string }> {
    const name = unique('Policy');
    const created = await t.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }));
    return { name, arn: created.Policy?.Arn as string };
  }

  it('a Null check on the MFA age in a user inline policy enforces MFA', async () => {
    const who = await t.engineer();
    await t.iam.send(
      new PutUserPolicyCommand({
        UserName: who.userName,
        PolicyName: 'NoMfaNoAccess',
        PolicyDocument: denyUnlessMfa({ Null: { 'aws:MultiFactorAuthAge': 'true' } }),
      }),
    );
    expect(await step5(who)).toContain(':white_check_mark:');
    expect(await step5(who)).toContain('your inline policy `NoMfaNoAccess`');
    expect(await policyAnswer(who)).toContain(
      ':white_check_mark: It applies to you through your inline policy',
    );
  });

  it('enforcement split across a group managed policy and a user managed policy is enforced, both named', async () => {
    const who = await t.engineer();
    const group = unique('devs');
    const most = await managedPolicy(
      denyUnlessMfa(MFA_FALSE, [...GUIDE_POLICY.Statement[0].NotAction, 's3:*']),
    );
    const s3 = await managedPolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: MFA_FALSE }],
      }),
    );
    await t.iam.send(new CreateGroupCommand({ GroupName: group }));
    await t.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: who.userName }));
    await t.iam.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: most.arn }));
    await t.iam.send(new AttachUserPolicyCommand({ UserName: who.userName, PolicyArn: s3.arn }));
    const text = await policyAnswer(who);
    expect(text).toContain(':white_check_mark:');
    expect(text).toContain(`managed policy \`${most.name}\` of group \`${group}\``);
    expect(text).toContain(`managed policy \`${s3.name}\` attached to you`);
  });

  it('the same split with a gap is not enforced', async () => {
    const who = await t.engineer();
    const most = await managedPolicy(
      denyUnlessMfa(MFA_FALSE, [...GUIDE_POLICY.Statement[0].NotAction, 's3:*']),
    );
    await t.iam.send(new AttachUserPolicyCommand({ UserName: who.userName, PolicyArn: most.arn }));
    expect(await step5(who)).toContain('No policy denies access without MFA for you yet');
    expect(await policyAnswer(who)).toContain(
      ':x: No policy that denies access without MFA applies to you yet.',
    );
  });

  it('Bool in a group inline policy is a warning: access keys stay open', async () => {
    const who = await t.engineer();
    const group = unique('ops');
    await t.iam.send(new CreateGroupCommand({ GroupName: group }));
    await t.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: who.userName }));
    await t.iam.send(
      new PutGroupPolicyCommand({
        GroupName: group,
        PolicyName: 'RequireMFA',
        PolicyDocument: denyUnlessMfa({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }),
      }),
    );
    const text = await step5(who);
    expect(text).toContain(':warning:');
    expect(text).toContain('requests signed with long-term access keys are not blocked');
  });

  it('a condition on the source IP makes the answer "can\'t tell", with the reason, in English and Korean', async () => {
    const who = await t.engineer();
    const ko = await t.engineer({ locale: 'ko-KR' });
    for (const person of [who, ko])
      await t.iam.send(
        new PutUserPolicyCommand({
          UserName: person.userName,
          PolicyName: 'OfficeOnly',
          PolicyDocument: denyUnlessMfa({ ...MFA_FALSE, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
        }),
      );
    const text = await step5(who);
    expect(text).toContain(':grey_question:');
    expect(text).toContain("Can't tell whether access without MFA is denied to you");
    expect(text).toContain('your inline policy `OfficeOnly` has a condition on `aws:SourceIp`');
    expect(await policyAnswer(who)).toContain('`aws:SourceIp`');
    expect(await step5(ko)).toContain('MFA 없는 접근이 거부되는지 판단할 수 없습니다');
  });

  it("counts the user's permissions boundary (read with GetUser)", async () => {
    const who = await t.engineer();
    const boundary = await managedPolicy(JSON.stringify(GUIDE_POLICY));
    // moto does not model user permissions boundaries: the proxy adds one to moto's GetUser answer.
    proxy.patch('GetUser', new RegExp(`UserName=${who.userName}`), (xml) =>
      xml.replace(
        '</UserName>',
        `</UserName><PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>${boundary.arn}</PermissionsBoundaryArn></PermissionsBoundary>`,
      ),
    );
    expect(await policyAnswer(who)).toContain(`your permissions boundary \`${boundary.name}\``);
  });

  it("confirms the verdict with AWS's simulator and logs when the two differ", async () => {
    // Both people exist before the bot first reads IAM users (it reloads them at most every 15 s).
    const who = await t.engineer();
    const other = await t.engineer();
    await t.iam.send(
      new PutUserPolicyCommand({
        UserName: who.userName,
        PolicyName: 'Guide',
        PolicyDocument: JSON.stringify(GUIDE_POLICY),
      }),
    );
    simulate = simulatorSaying(() => 'allowed');
    await policyAnswer(who);
    // Both questions were asked: MFA false (console) and the key absent (access keys).
    expect(simulations.map((s) => s.ContextEntries?.[0]?.ContextKeyValues ?? 'absent').sort()).toEqual([
      'absent',
      ['false'],
    ]);
    expect(simulations[0]?.PolicySourceArn).toBe(`arn:aws:iam::123456789012:user/${who.userName}`);
    const differs = t.logs.filter((l) => String(l.msg).includes("differs from IAM's policy simulator"));
    expect(differs).toHaveLength(1);
    expect(differs[0]).toMatchObject({
      iamUser: who.userName,
      verdict: 'enforced',
      ours: { console: 'denied', accessKey: 'denied' },
      simulator: { console: 'open', accessKey: 'open' },
    });

    // Agreement is quiet, and the same verdict is not asked again within the hour.
    await t.iam.send(
      new PutUserPolicyCommand({
        UserName: other.userName,
        PolicyName: 'Guide',
        PolicyDocument: JSON.stringify(GUIDE_POLICY),
      }),
    );
    simulate = simulatorSaying(() => 'explicitDeny');
    await policyAnswer(other);
    await policyAnswer(other);
    expect(simulations).toHaveLength(4);
    expect(t.logs.filter((l) => String(l.msg).includes("differs from IAM's policy simulator"))).toHaveLength(
      1,
    );
    expect(t.logs.some((l) => String(l.msg).includes("agrees with IAM's policy simulator"))).toBe(true);
  });

  it('a role that may not simulate is noted once and not asked again', async () => {
    simulate = () => {
      throw Object.assign(new Error('not allowed'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      });
    };
    const first = await t.engineer();
    const second = await t.engineer();
    expect(await policyAnswer(first)).toContain('No policy that denies access without MFA');
    expect(await policyAnswer(second)).toContain('No policy that denies access without MFA');
    expect(simulations).toHaveLength(2);
    expect(
      t.logs.filter((l) => String(l.msg).includes('SimulatePrincipalPolicy is not allowed')),
    ).toHaveLength(1);
  });
});
