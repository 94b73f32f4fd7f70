import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// YAML objects as parsed: read loosely, and every field the tests rely on is asserted.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of any shape
type Json = Record<string, any>;
const objects = parseAllDocuments(readFileSync('docs/kubernetes.yaml', 'utf8')).map(
  (d) => d.toJSON() as Json,
);
const byKind = (kind: string) => objects.filter((o) => o.kind === kind);

/** Every pod spec in the file: the Deployment's and the CronJob's. */
const pods = [
  ...byKind('Deployment').map((d) => ({ name: d.metadata.name, spec: d.spec.template.spec })),
  ...byKind('CronJob').map((c) => ({ name: c.metadata.name, spec: c.spec.jobTemplate.spec.template.spec })),
];

describe('docs/kubernetes.yaml', () => {
  it('has the objects a cluster needs: ServiceAccount, Secret example, Deployment, Service, PodDisruptionBudget, CronJob', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['CronJob', 'Deployment', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceAccount'].sort(),
    );
    for (const o of objects) {
      expect(o.apiVersion, o.kind).toBeTruthy();
      expect(o.metadata?.name, o.kind).toBe(o.kind === 'CronJob' ? 'aws-mfa-bot-jobs' : 'aws-mfa-bot');
    }
    const sa = byKind('ServiceAccount')[0];
    expect(sa?.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    // The Secret is an example: placeholders, nothing real.
    for (const value of Object.values(byKind('Secret')[0]?.stringData ?? {}))
      expect(String(value)).toMatch(/replace-me|^[CSU]0\d+$/);
  });

  it.each(pods)('$name meets the "restricted" Pod Security Standard', ({ spec }) => {
    expect(spec.serviceAccountName).toBe('aws-mfa-bot');
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    for (const c of spec.containers) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.securityContext.privileged ?? false).toBe(false);
      expect(c.securityContext.capabilities.add ?? []).toEqual([]);
      // A pinned release, never :latest or no tag at all.
      expect(c.image).toMatch(/:[0-9][\w.-]*(@sha256:[0-9a-f]{64})?$/);
      expect(c.image).not.toMatch(/:latest/);
      expect(c.resources.requests.memory).toMatch(/^\d+Mi$/);
      expect(c.resources.limits.memory).toMatch(/^\d+Mi$/);
      expect(Number.parseInt(c.resources.limits.memory, 10)).toBeGreaterThanOrEqual(
        Number.parseInt(c.resources.requests.memory, 10),
      );
    }
    for (const v of spec.volumes ?? []) expect(v.hostPath, v.name).toBeUndefined();
  });

  it('the bot: probes on /healthz and /readyz with a startup probe, metrics on their own port, one replica kept', () => {
    const deployment = byKind('Deployment')[0] as Json;
    const bot = deployment.spec.template.spec.containers[0];
    expect(bot.startupProbe.httpGet).toMatchObject({ path: '/healthz' });
    expect(bot.livenessProbe.httpGet).toMatchObject({ path: '/healthz' });
    expect(bot.readinessProbe.httpGet).toMatchObject({ path: '/readyz' });
    const env = Object.fromEntries(bot.env.map((e: Json) => [e.name, e.value]));
    expect(env.METRICS_PORT).toBe(deployment.spec.template.metadata.annotations['prometheus.io/port']);
    expect(bot.ports.map((p: Json) => p.containerPort)).toEqual([Number(env.PORT), Number(env.METRICS_PORT)]);
    // The Service Slack reaches does not expose the metrics port.
    const service = byKind('Service')[0] as Json;
    expect(service.spec.ports.map((p: Json) => p.targetPort)).toEqual(['http']);
    const pdb = byKind('PodDisruptionBudget')[0] as Json;
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.replicas).toBeGreaterThan(pdb.spec.minAvailable);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  it('builds on the current LTS on Debian trixie slim, pinned by digest, and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:26-trixie-slim@sha256:[0-9a-f]{64}$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
    expect(dockerfile).not.toMatch(/:latest/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production MALLOC_ARENA_MAX=2$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK .*--start-period=\d+s/);
    for (const label of ['title', 'description', 'licenses', 'source'])
      expect(dockerfile).toContain(`org.opencontainers.image.${label}=`);
  });

  it('leaves the build behind: compilers only in the build stage, no dev dependencies or npm cache', () => {
    const [build, runtime] = dockerfile.split(/^FROM \$\{NODE_IMAGE\}.*$/m).slice(1);
    expect(build).toContain('g++');
    expect(build).toContain('npm prune --omit=dev');
    expect(build).toContain('npm cache clean');
    expect(runtime).not.toMatch(/apt-get|g\+\+|npm (ci|install)/);
  });

  it('copies only files that exist', () => {
    for (const [, from] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const path of (from ?? '').split(/\s+/)) expect(existsSync(path), path).toBe(true);
  });
});
