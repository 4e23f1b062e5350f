import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');
const FILES = ['config.yaml', 'results-pvc.yaml', 'shards-job.yaml', 'merge-job.yaml'];
const SHARDS = 4; // scripts/k8s-run.sh's default
const VALUES: Record<string, string> = { RUN: '20260301t120000z', SHARDS: String(SHARDS), START_AT: '1772366400000', IMAGE: 'registry.example.com/auto-testing:0.1.0' };
const MODELS: Record<string, new (data: any) => { validate(): void }> = { 'v1/ConfigMap': ConfigMap, 'v1/PersistentVolumeClaim': PersistentVolumeClaim, 'batch/v1/Job': Job };

/** What scripts/k8s-run.sh does with sed: every __NAME__ replaced by its value. */
const render = (text: string) => text.replace(/__([A-Z_]+)__/g, (_, name: string) => VALUES[name]);
const raw = (file: string) => readFileSync(join(DIR, file), 'utf8');
const manifests = (file: string) => parseAllDocuments(render(raw(file))).map((d) => d.toJS());
const one = (file: string) => manifests(file)[0];

const cores = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const mib = (q: string) => Number(q.slice(0, -2)) * (q.endsWith('Gi') ? 1024 : 1);

describe('deploy/kubernetes manifests', () => {
  it.each(FILES)('%s: valid against the Kubernetes API schemas once rendered', (file) => {
    for (const m of manifests(file)) {
      const Model = MODELS[`${m.apiVersion}/${m.kind}`];
      expect(Model, `${m.apiVersion}/${m.kind}`).toBeDefined();
      expect(() => new Model(m).validate()).not.toThrow();
    }
  });

  it('the schema check is real: an unrendered Job (parallelism "__SHARDS__") is rejected', () => {
    expect(() => new Job(parse(raw('shards-job.yaml'))).validate()).toThrow(/parallelism/);
  });

  it('every placeholder in the manifests is one the script fills in', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'k8s-run.sh'), 'utf8');
    const used = new Set(FILES.flatMap((f) => [...raw(f).matchAll(/__([A-Z_]+)__/g)].map((m) => m[1])));
    for (const name of used) expect(script).toContain(`s|__${name}__|$${name}|g`);
    expect([...used].sort()).toEqual(Object.keys(VALUES).sort());
  });

  it('shards: an Indexed Job, one pod per shard, one start instant, the shared volume, no retries', () => {
    const job = one('shards-job.yaml');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: SHARDS, parallelism: SHARDS, backoffLimitPerIndex: 0 });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const [c] = pod.containers;
    expect(c.args).toEqual(expect.arrayContaining([`--shards=${SHARDS}`, `--start-at=${VALUES.START_AT}`, `--results-dir=/results/${VALUES.RUN}`, '--workload=/etc/auto-testing/workload.yaml', '--endpoints=/etc/auto-testing/endpoints.yaml', '--only=$(ENDPOINT_NAME)']));
    expect(c.args.some((a: string) => a.startsWith('--shard='))).toBe(false);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ name: 'results', mountPath: '/results' }]));
    const pvc = one('results-pvc.yaml');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    for (const j of [job, one('merge-job.yaml')]) {
      expect(j.spec.template.spec.volumes).toEqual(expect.arrayContaining([{ name: 'results', persistentVolumeClaim: { claimName: pvc.metadata.name } }]));
      expect(j.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
    const config = one('config.yaml').data;
    expect(parse(config['endpoints.yaml']).map((e: { name: string }) => e.name)).toContain(config.ENDPOINT_NAME);
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'config', configMap: { name: one('config.yaml').metadata.name } }]));
  });

  it('merge: reads the folders the shards write (<endpoint>/<workload>/<run id>-shard-I-of-N) into /results/RUN/merged', () => {
    const [arg] = one('merge-job.yaml').spec.template.spec.containers[0].args;
    expect(arg).toContain(`merge /results/${VALUES.RUN}/*/*/*-shard-*-of-${SHARDS} --out /results/${VALUES.RUN}/merged`);
  });

  it('resource requests cover the sizing formula with bench/latest.json costs (README "Running on Kubernetes")', () => {
    const bench = JSON.parse(readFileSync(join(ROOT, 'bench', 'latest.json'), 'utf8'));
    const workload = parse(one('config.yaml').data['workload.yaml']);
    const perShard = workload.rate / SHARDS;
    const tokens = workload['max-tokens'];
    const e2eS = tokens * 0.05;
    const cpu = (2 * perShard * (bench.cpu_us_per_request + tokens * bench.cpu_us_per_token)) / 1e6;
    const memory = 192 + (2 * perShard * e2eS * bench.kb_per_stream) / 1024;
    const { requests, limits } = one('shards-job.yaml').spec.template.spec.containers[0].resources;
    expect(cores(requests.cpu)).toBeGreaterThanOrEqual(cpu);
    expect(mib(requests.memory)).toBeGreaterThanOrEqual(memory);
    expect(limits.cpu).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean);

  it('multi-stage on node:24-slim; the runtime stage installs production dependencies only and runs as non-root', () => {
    const stages = text.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    for (const s of stages) expect(s.startsWith('node:24-slim')).toBe(true);
    const runtime = stages[1];
    expect(runtime).toContain('npm ci --omit=dev');
    expect(runtime).toContain('COPY --from=build /app/dist/src ./dist/src');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]');
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    for (const m of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of m[1].split(' ')) {
        expect(existsSync(join(ROOT, path)), path).toBe(true);
        expect(ignored).not.toContain(path);
      }
    }
  });
});
