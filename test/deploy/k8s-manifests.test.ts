// deploy/k8s against the code and itself: every manifest parses; the Deployment runs serve with
// real flags on the port its probes, containerPort and Service use; the probes are answered by the
// real gateway built from the ConfigMap's config with the Deployment's environment and Host; the
// allowed hosts cover the Service names and the Ingress; termination grace exceeds drain +
// shutdown grace; non-root, read-only root with emptyDirs; no literal secret. Each rule is shown
// to fail on a broken copy.
import { describe, expect, it } from 'vitest';
import { checkK8s, k8sProbes, probeStatus } from './deploy-checks.js';
import { copyOf, parseYamlDocuments, readK8sFiles } from './read-deploy-files.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const files: Record<string, unknown[]> = Object.fromEntries(Object.entries(readK8sFiles()).map(([name, text]) => [name, parseYamlDocuments(text, name)]));
const deploymentOf = (copy: Record<string, unknown[]>) => copy['deployment.yaml']![0] as Json;
const containerOf = (copy: Record<string, unknown[]>) => deploymentOf(copy).spec.template.spec.containers[0] as Json;
const envOf = (copy: Record<string, unknown[]>, name: string) => (containerOf(copy).env as Json[]).find((v) => v.name === name)!;

function broken(change: (copy: Record<string, unknown[]>) => void): string {
  const copy = copyOf(files);
  change(copy);
  return checkK8s(copy).join('\n');
}

describe('deploy/k8s', () => {
  it('parses, and every manifest is consistent with the CLI, the config parser and the others', () => {
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['deployment.yaml', 'service.yaml', 'configmap.yaml', 'secret.example.yaml', 'postgres.yaml', 'kustomization.yaml', 'vllm.yaml']));
    expect(checkK8s(files)).toEqual([]);
  });

  it.each<[string, (copy: Record<string, unknown[]>) => void, RegExp]>([
    ['a resource kustomization lists that does not exist', (c) => (c['kustomization.yaml']![0] as Json).resources.push('hpa.yaml'), /resource hpa.yaml does not exist/],
    ['a single replica', (c) => (deploymentOf(c).spec.replicas = 1), /fewer than 2 replicas/],
    ['an image kustomize does not rename', (c) => (containerOf(c).image = 'gateway:1'), /images does not name/],
    ['a flag serve refuses', (c) => (containerOf(c).args = ['serve', '--host', '0.0.0.0', '--cfg', '/etc/switchboard/config.yaml']), /refused/],
    ['a containerPort that is not serve\'s', (c) => (containerOf(c).ports[0].containerPort = 8080), /containerPort 8080 is not serve's port 4141/],
    ['a Service that selects no pod', (c) => ((c['service.yaml']![0] as Json).spec.selector = { app: 'gateway' }), /selector app=gateway matches no pod/],
    ['a readiness probe on another path', (c) => (containerOf(c).readinessProbe.httpGet.path = '/healthz'), /readinessProbe is not GET \/health\/readiness/],
    ['a liveness probe on another port', (c) => (containerOf(c).livenessProbe.httpGet.port = 8080), /livenessProbe does not probe serve's port/],
    ['a termination grace not above drain + shutdown grace', (c) => (deploymentOf(c).spec.template.spec.terminationGracePeriodSeconds = 25), /killed after 25 s, not more than drain delay \+ shutdown grace \(25 s\)/],
    ['a shutdown grace that outgrows the termination grace', (c) => (envOf(c, 'SWITCHBOARD_SHUTDOWN_GRACE_SECONDS').value = '60'), /killed after 40 s, not more than .*\(65 s\)/],
    ['allowed hosts without the Service FQDN', (c) => (envOf(c, 'SWITCHBOARD_ALLOWED_HOSTS').value = 'switchboard,llm.example.com'), /lacks switchboard.switchboard.svc.cluster.local/],
    ['allowed hosts without the Ingress host', (c) => ((c['ingress.yaml']![0] as Json).spec.rules[0].host = 'ai.example.org'), /lacks ai.example.org/],
    ['a misspelt Switchboard variable', (c) => (envOf(c, 'SWITCHBOARD_DATA_DIR').name = 'SWITCHBOARD_DATADIR'), /SWITCHBOARD_DATADIR is not read by Switchboard/],
    ['a Secret key the Deployment needs but the Secret lacks', (c) => delete ((c['secret.example.yaml']![0] as Json).stringData.DATABASE_URL), /DATABASE_URL refers to switchboard-secrets\/DATABASE_URL/],
    ['a literal admin key in the Secret', (c) => (((c['secret.example.yaml']![0] as Json).stringData.SWITCHBOARD_MASTER_KEY = 'sk-prod-0123456789abcdef')), /SWITCHBOARD_MASTER_KEY holds a literal value/],
    ['a literal admin key in the Deployment', (c) => Object.assign(envOf(c, 'SWITCHBOARD_MASTER_KEY'), { value: 'sk-change-me-0123456789', valueFrom: undefined }), /SWITCHBOARD_MASTER_KEY is a literal value, not a Secret reference/],
    ['a config that is not the mounted ConfigMap', (c) => (containerOf(c).args = ['serve', '--host', '0.0.0.0', '--config', '/config/config.yaml']), /--config \/config\/config.yaml is not a ConfigMap entry/],
    ['a database Service that does not exist', (c) => (((c['secret.example.yaml']![0] as Json).stringData.DATABASE_URL = 'postgresql://switchboard:change-me@pg:5432/switchboard')), /names host pg, which is no Service/],
    ['a pod that may run as root', (c) => delete deploymentOf(c).spec.template.spec.securityContext.runAsNonRoot, /may run as root/],
    ['a writable root filesystem', (c) => (containerOf(c).securityContext.readOnlyRootFilesystem = false), /root filesystem is writable/],
    ['a data dir off the emptyDir', (c) => (envOf(c, 'SWITCHBOARD_DATA_DIR').value = '/var/lib/switchboard'), /\/var\/lib\/switchboard is not on a writable emptyDir/],
    ['no resource requests', (c) => delete containerOf(c).resources.requests, /no cpu and memory requests/],
    ['PostgreSQL without a volume', (c) => delete (c['postgres.yaml']![1] as Json).spec.volumeClaimTemplates, /no volume claim/],
  ])('finds %s', (_name, change, problem) => {
    expect(broken(change)).toMatch(problem);
  });

  it('has probes the real gateway answers with 200 (built from the ConfigMap with the Deployment\'s environment and probe Host), and a Host outside the allowed list would be refused', async () => {
    const probes = k8sProbes(files);
    expect(probes.map((probe) => probe.path)).toEqual(['/health/readiness', '/health/liveliness']);
    for (const probe of probes) {
      expect(await probeStatus(probe.path, probe.host, probe.env, probe.config), probe.path).toBe(200);
      expect(await probeStatus(probe.path, 'pod-ip.invalid', probe.env, probe.config), probe.path).toBe(403);
    }
  });
});
