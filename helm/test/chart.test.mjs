// Offline proof of helm/clickstream (run through run.sh): helm lint and helm template with Helm 3 and Helm 4 for
// every documented variant, every rendered object validated strictly against its schema, values.schema.json
// refusing wrong values, the SparkApplications' entry points run from the built jar, and the Grafana wiring
// reading the same files as grafana/.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, lstatSync, realpathSync } from 'node:fs';
import { join, dirname, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { loadCrdValidators } from './lib/crds.mjs';
import { validateBuiltIn, isBuiltIn, typeCheckStrict } from './lib/builtin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const chart = join(repo, 'helm/clickstream');
const sharedCrds = join(repo, '..', 'shared', 'k8s-crds');

const HELMS = [
  { name: 'helm 3', bin: join(here, '.tools/v33/helm'), version: /^v3\.18\./ },
  { name: 'helm 4', bin: join(here, '.tools/v34/helm'), version: /^v4\.1\./ },
];
// The documented variants (helm/clickstream/README.md): defaults, own Kafka, ingress, AWS S3, everything off.
const VARIANTS = ['default', ...readdirSync(join(here, 'values')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''))];
const INVALID = readdirSync(join(here, 'values/invalid')).filter((f) => f.endsWith('.yaml'));

function helm(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function valuesArgs(variant) {
  return variant === 'default' ? [] : ['-f', join(here, 'values', `${variant}.yaml`)];
}

function render(bin, variant, extra = []) {
  const r = helm(bin, ['template', 'cs', chart, '--namespace', 'analytics', ...valuesArgs(variant), ...extra]);
  assert.equal(r.code, 0, `helm template ${variant} failed:\n${r.err}`);
  const objects = [];
  for (const doc of parseAllDocuments(r.out)) {
    if (doc.errors.length) throw new Error(`unparsable YAML from ${variant}: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o != null) objects.push(o);
  }
  return objects;
}

const rendered = new Map(); // `${helm.name}/${variant}` -> objects
let crds;

before(() => {
  for (const h of HELMS) {
    assert.ok(existsSync(h.bin), `${h.bin} missing: run helm/test/run.sh`);
    for (const v of VARIANTS) rendered.set(`${h.name}/${v}`, render(h.bin, v));
  }
  assert.ok(existsSync(sharedCrds), `CRD schemas not found at ${sharedCrds}`);
  crds = loadCrdValidators(sharedCrds);
});

const id = (o) => `${o.kind}/${o.metadata?.name}`;
const byKind = (objs, kind) => objs.filter((o) => o.kind === kind);

for (const h of HELMS) {
  test(`${h.name}: the binary is the expected version`, () => {
    const r = helm(h.bin, ['version', '--short']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out.trim(), h.version);
  });

  for (const v of VARIANTS) {
    test(`${h.name}: helm lint --strict passes for ${v}`, () => {
      const r = helm(h.bin, ['lint', '--strict', chart, ...valuesArgs(v)]);
      assert.equal(r.code, 0, `${r.out}\n${r.err}`);
      assert.match(r.out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    test(`${h.name}: every object rendered for ${v} matches its schema strictly`, () => {
      const objects = rendered.get(`${h.name}/${v}`);
      assert.ok(objects.length > 10, `only ${objects.length} objects rendered`);
      const errors = [];
      const builtIns = [];
      for (const o of objects) {
        if (isBuiltIn(o)) {
          errors.push(...validateBuiltIn(o).map((e) => `${id(o)}: ${e}`));
          builtIns.push(o);
        } else if (crds.has(o)) {
          errors.push(...crds.validate(o).map((e) => `${id(o)}: ${e}`));
          builtIns.push({ metadataOnly: o.metadata, kind: o.kind });
        } else {
          errors.push(`${id(o)}: no schema for ${o.apiVersion} ${o.kind}`);
        }
      }
      errors.push(...typeCheckStrict(`${h.name}-${v}`.replace(/\W+/g, '-'), builtIns));
      assert.deepEqual(errors, []);
    });
  }

  for (const f of INVALID) {
    test(`${h.name}: values.schema.json refuses ${f}`, () => {
      const expected = readFileSync(join(here, 'values/invalid', f), 'utf8').match(/^# expect: (\S+)/m)[1];
      const r = helm(h.bin, ['template', 'cs', chart, '-f', join(here, 'values/invalid', f)]);
      assert.notEqual(r.code, 0, `helm template accepted ${f}`);
      assert.match(r.err, /schema/i);
      assert.ok(r.err.includes(expected), `error does not name ${expected}:\n${r.err}`);
    });
  }

  test(`${h.name}: both Helm majors render the same manifests`, () => {
    if (h === HELMS[0]) {
      for (const v of VARIANTS) {
        assert.deepEqual(rendered.get(`${HELMS[0].name}/${v}`), rendered.get(`${HELMS[1].name}/${v}`), v);
      }
    } else {
      assert.equal(rendered.size, HELMS.length * VARIANTS.length);
    }
  });
}

const defaults = () => rendered.get('helm 4/default');

test('the validators are strict: an unknown field fails built-in kinds and custom resources', () => {
  const deployment = structuredClone(byKind(defaults(), 'Deployment')[0]);
  deployment.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
  assert.ok(typeCheckStrict('negative-builtin', [deployment]).some((e) => e.includes('imagePullPolicyy')));
  const wrongType = structuredClone(byKind(defaults(), 'Deployment')[0]);
  wrongType.spec.replicas = 'two';
  assert.ok(validateBuiltIn(wrongType).length > 0, 'a string replica count passed');

  const app = structuredClone(byKind(defaults(), 'SparkApplication')[0]);
  app.spec.driver.coress = 1;
  assert.ok(crds.validate(app).some((e) => e.includes('coress')));
  const kafka = structuredClone(byKind(defaults(), 'Kafka')[0]);
  kafka.spec.kafka.listeners[0].port = '9092';
  assert.ok(crds.validate(kafka).length > 0, 'a string port passed the Kafka CRD');
});

test('gateway: hardened pod, health probes, write keys only from Secrets', () => {
  const d = byKind(defaults(), 'Deployment')[0];
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  assert.equal(c.readinessProbe.httpGet.path, '/q/health/ready');
  assert.equal(c.livenessProbe.httpGet.path, '/q/health/live');
  assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
  const props = byKind(defaults(), 'ConfigMap').find((m) => m.data?.['gateway.properties']).data['gateway.properties'];
  assert.match(props, /^clickstream\.sites\.demo\.write-key=\$\{SITE_WRITE_KEY_0\}$/m);
  assert.match(props, /^clickstream\.supervisor\.enabled=true$/m);
  // A stopping pod keeps taking requests while proxies learn it is going, then drains within the grace period.
  assert.match(props, /^quarkus\.shutdown\.delay=PT10S$/m);
  assert.equal(pod.terminationGracePeriodSeconds, 45);
  // X-Forwarded-For is believed from the cluster's private networks only, and from nobody with an empty list.
  assert.match(props, /^quarkus\.http\.proxy\.trusted-proxies=10\.0\.0\.0\/8,172\.16\.0\.0\/12,192\.168\.0\.0\/16,127\.0\.0\.0\/8,fc00::\/7$/m);
  const noProxies = byKind(render(HELMS[1].bin, 'default', ['--set-json', 'gateway.config.trustedProxies=[]']), 'ConfigMap')
    .find((m) => m.data?.['gateway.properties']).data['gateway.properties'];
  assert.match(noProxies, /^quarkus\.http\.proxy\.proxy-address-forwarding=false$/m);
  assert.doesNotMatch(noProxies, /trusted-proxies/);
  const keyEnv = c.env.find((e) => e.name === 'SITE_WRITE_KEY_0');
  assert.deepEqual(keyEnv.valueFrom.secretKeyRef, { name: 'clickstream-write-keys', key: 'demo' });
  // Pixels' daily visitor ids: one secret for every pod, from a Secret the pods start without (each then keys its own).
  assert.match(props, /^clickstream\.privacy\.visitor-id-secret=\$\{VISITOR_ID_SECRET:\}$/m);
  assert.deepEqual(c.env.find((e) => e.name === 'VISITOR_ID_SECRET').valueFrom.secretKeyRef,
    { name: 'clickstream-visitor-id', key: 'secret', optional: true });
  // No Secret: an empty name, or none at all (null removes the default), with either Helm.
  for (const [helm, none] of HELMS.flatMap((h) => ['gateway.config.visitorIdSecret.secretName=',
    'gateway.config.visitorIdSecret=null'].map((n) => [h, n]))) {
    const noVisitorSecret = render(helm.bin, 'default', ['--set', none]);
    assert.doesNotMatch(byKind(noVisitorSecret, 'ConfigMap').find((m) => m.data?.['gateway.properties']).data['gateway.properties'], /visitor-id/);
    assert.equal(byKind(noVisitorSecret, 'Deployment')[0].spec.template.spec.containers[0].env.find((e) => e.name === 'VISITOR_ID_SECRET'), undefined);
  }
  // Hashed addresses: the salt comes from a Secret, as the write keys do; none is asked for otherwise.
  assert.equal(c.env.find((e) => e.name === 'IP_SALT'), undefined);
  const hashed = render(HELMS[1].bin, 'default', ['--set', 'gateway.config.ipMode=hash', '--set', 'gateway.config.ipSalt.secretName=ip-salt']);
  const hashedProps = byKind(hashed, 'ConfigMap').find((m) => m.data?.['gateway.properties']).data['gateway.properties'];
  assert.match(hashedProps, /^clickstream\.privacy\.ip-mode=hash$/m);
  assert.match(hashedProps, /^clickstream\.privacy\.ip-salt=\$\{IP_SALT\}$/m);
  assert.deepEqual(byKind(hashed, 'Deployment')[0].spec.template.spec.containers[0].env.find((e) => e.name === 'IP_SALT')
    .valueFrom.secretKeyRef, { name: 'ip-salt', key: 'salt' });

  const twoSites = rendered.get('helm 4/ingress-on');
  const props2 = byKind(twoSites, 'ConfigMap').find((m) => m.data?.['gateway.properties']).data['gateway.properties'];
  assert.match(props2, /^clickstream\.sites\.blog-2\.allowed-origins=https:\/\/blog\.example\.com$/m);
  // A hybrid app's pages (Capacitor, Ionic) send their own scheme, which the gateway takes as an origin too.
  assert.match(props2, /^clickstream\.sites\.shop\.allowed-origins=https:\/\/shop\.example\.com,https:\/\/www\.shop\.example\.com,capacitor:\/\/localhost$/m);
  assert.equal(byKind(twoSites, 'Ingress').length, 1);
  // Only the ingest API and the tracker are public: health, metrics and /pipeline stay inside the cluster.
  const paths = byKind(twoSites, 'Ingress')[0].spec.rules.flatMap((r) => r.http.paths.map((p) => p.path));
  assert.deepEqual([...new Set(paths)].sort(), ['/beacon', '/tracker', '/tracker.js', '/v1']);
  assert.equal(byKind(defaults(), 'Ingress').length, 0);
  // A LoadBalancer keeps the clients' own addresses: from node addresses (private, trusted) any X-Forwarded-For would count.
  const lb = byKind(render(HELMS[1].bin, 'default', ['--set', 'gateway.service.type=LoadBalancer']), 'Service')
    .find((o) => o.spec.type === 'LoadBalancer');
  assert.equal(lb.spec.externalTrafficPolicy, 'Local');
  assert.equal(byKind(defaults(), 'Service').find((o) => o.metadata.name.endsWith('gateway')).spec.externalTrafficPolicy, undefined);
});

function template(release, extra = []) {
  const r = helm(HELMS[1].bin, ['template', release, chart, ...extra]);
  return { ...r, objects: r.code === 0 ? parseAllDocuments(r.out).map((d) => d.toJS()).filter((o) => o != null) : [] };
}

test('gateway: a grace period too short for the shutdown delay and the drain stops the install', () => {
  const short = template('cs', ['--set', 'gateway.shutdownDelaySeconds=20']);
  assert.notEqual(short.code, 0, 'rendered a gateway Kubernetes kills before it has drained');
  assert.match(short.err, /terminationGracePeriodSeconds \(45\) must be at least gateway\.shutdownDelaySeconds \+ 35 \(55\)/);
  const raised = template('cs', ['--set', 'gateway.shutdownDelaySeconds=20', '--set', 'gateway.terminationGracePeriodSeconds=55']);
  assert.equal(raised.code, 0, raised.err);
  const props = byKind(raised.objects, 'ConfigMap').find((m) => m.data?.['gateway.properties']).data['gateway.properties'];
  assert.match(props, /^quarkus\.shutdown\.delay=PT20S$/m);
});

test('kafka: node pods get host names of at most 63 characters, or the install stops saying why', () => {
  // Strimzi names a node's pod <cluster>-<pool>-<id>.
  const podName = (objects) => `${byKind(objects, 'Kafka')[0].metadata.name}-${byKind(objects, 'KafkaNodePool')[0].metadata.name}-10`;
  const prod = template('analytics-prod');
  assert.equal(prod.code, 0, prod.err);
  assert.ok(podName(prod.objects).length <= 63, podName(prod.objects));
  assert.match(byKind(prod.objects, 'KafkaNodePool')[0].metadata.name, /^analytics-prod-/, 'unique per release in a namespace');

  const longName = template('web-analytics-production-eu');
  assert.notEqual(longName.code, 0, 'rendered Kafka pods with host names over 63 characters');
  assert.match(longName.err, /set a shorter kafka\.strimzi\.clusterName/);
  const kept = template('cs', ['--set', 'kafka.strimzi.nodePoolName=cs-clickstream-kafka-dual']);
  assert.equal(byKind(kept.objects, 'KafkaNodePool')[0].metadata.name, 'cs-clickstream-kafka-dual', 'an older install keeps its pool');
  const shorter = template('web-analytics-production-eu', ['--set', 'kafka.strimzi.clusterName=web-kafka']);
  assert.equal(shorter.code, 0, shorter.err);
  assert.ok(podName(shorter.objects).length <= 63, podName(shorter.objects));
});

test('kafka: the gateway creates its topics with no more replicas than the Strimzi cluster has nodes', () => {
  const props = (objects) => byKind(objects, 'ConfigMap').find((m) => m.data?.['gateway.properties']).data['gateway.properties'];
  assert.match(props(defaults()), /^clickstream\.kafka\.replication-factor=3$/m);
  const single = template('cs', ['--set', 'kafka.strimzi.replicas=1']);
  assert.equal(single.code, 0, single.err);
  assert.match(props(single.objects), /^clickstream\.kafka\.replication-factor=1$/m);
  for (const topic of byKind(single.objects, 'KafkaTopic')) assert.equal(topic.spec.replicas, 1);
});

test('gateway: autoscaling bounds the wrong way round stop the install saying why', () => {
  const r = template('cs', ['--set', 'gateway.autoscaling.minReplicas=5', '--set', 'gateway.autoscaling.maxReplicas=3']);
  assert.notEqual(r.code, 0, 'rendered an HPA the API server refuses');
  assert.match(r.err, /minReplicas \(5\) is more than maxReplicas \(3\)/);
});

test('spark: silver executors have room outside the heap for their RocksDB state', () => {
  const silver = byKind(defaults(), 'SparkApplication').find((a) => a.metadata.name.endsWith('-silver'));
  assert.equal(silver.spec.executor.memoryOverhead, '1g');
  const bronze = byKind(defaults(), 'SparkApplication').find((a) => a.metadata.name.endsWith('-bronze'));
  assert.equal(bronze.spec.executor.memoryOverhead, undefined, "Spark's default where no state is kept");
});

test('kafka: Strimzi resources by default, none with external bootstrap servers', () => {
  assert.deepEqual(['Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaTopic'].sort(),
    defaults().filter((o) => o.apiVersion === 'kafka.strimzi.io/v1').map((o) => o.kind).sort());
  const ext = rendered.get('helm 4/strimzi-off');
  assert.equal(ext.filter((o) => o.apiVersion?.startsWith('kafka.strimzi.io')).length, 0);
  for (const app of byKind(ext, 'SparkApplication')) {
    assert.equal(app.spec.sparkConf['spark.kubernetes.driverEnv.CLICKSTREAM_KAFKA_BOOTSTRAP_SERVERS'],
      'kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092');
  }
});

test('spark: spark.env takes exactly the ConfigLoader keys the chart does not set itself', () => {
  const source = readFileSync(join(repo, 'spark-apps/src/main/java/io/clickstream/spark/config/ConfigLoader.java'), 'utf8');
  const keys = [...source.matchAll(/d\.put\("([a-z.]+)"/g)].map((m) => `CLICKSTREAM_${m[1].replaceAll('.', '_').toUpperCase()}`);
  assert.ok(keys.length > 20, `only ${keys.length} ConfigLoader keys found`);
  const prefix = 'spark.kubernetes.driverEnv.';
  const setByChart = new Set(byKind(defaults(), 'SparkApplication').flatMap((a) => Object.keys(a.spec.sparkConf))
    .filter((k) => k.startsWith(`${prefix}CLICKSTREAM_`)).map((k) => k.slice(prefix.length)));
  assert.ok(setByChart.has('CLICKSTREAM_METRICS_PORT'));
  const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8'));
  assert.deepEqual([...schema.properties.spark.properties.env.propertyNames.enum].sort(),
    keys.filter((k) => !setByChart.has(k)).sort());
});

test('spark: one SparkApplication per layer, restarted forever, tables and checkpoints on S3', () => {
  const apps = byKind(defaults(), 'SparkApplication');
  assert.deepEqual(apps.map((a) => a.metadata.labels['clickstream.io/layer']).sort(), ['bronze', 'gold', 'silver']);
  for (const a of apps) {
    assert.equal(a.spec.type, 'Java');
    assert.equal(a.spec.restartPolicy.type, 'Always');
    assert.match(a.spec.sparkConf['spark.kubernetes.driverEnv.CLICKSTREAM_WAREHOUSE_ROOT'], /^s3a:\/\/clickstream\/warehouse$/);
    assert.match(a.spec.sparkConf['spark.kubernetes.driverEnv.CLICKSTREAM_CHECKPOINT_ROOT'], /^s3a:\/\/clickstream\/checkpoints$/);
    assert.equal(a.spec.sparkConf['spark.hadoop.fs.s3a.endpoint'], 'http://minio.clickstream-storage.svc:9000');
  }
  const onFailure = byKind(render(HELMS[1].bin, 'default', ['--set', 'spark.restartPolicy.type=OnFailure']), 'SparkApplication');
  for (const a of onFailure) {
    // The operator retries OnFailure only when the counts are set: without them it behaves like Never.
    assert.equal(a.spec.restartPolicy.onFailureRetries, 10);
    assert.equal(a.spec.restartPolicy.onSubmissionFailureRetries, 5);
    assert.deepEqual(crds.validate(a), []);
  }
  const aws = byKind(rendered.get('helm 4/external-s3'), 'SparkApplication')[0].spec.sparkConf;
  assert.equal(aws['spark.kubernetes.driverEnv.CLICKSTREAM_WAREHOUSE_ROOT'], 's3a://acme-analytics/clickstream/prod/warehouse');
  assert.equal(aws['spark.hadoop.fs.s3a.endpoint'], undefined);
  assert.equal(aws['spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY'], 'clickstream-aws:secret-access-key');
  // IAM roles for service accounts: no Secret, and spark.sparkConf wins over the chart's credentials provider, named
  // once (this parser, like kustomize, refuses a repeated key).
  const provider = 'spark.hadoop.fs.s3a.aws.credentials.provider';
  for (const h of HELMS) {
    const irsa = byKind(render(h.bin, 'default', ['--set-string', 'storage.credentialsSecret.name=', '--set-string',
      `spark.sparkConf.${provider.replaceAll('.', '\\.')}=com.amazonaws.auth.WebIdentityTokenCredentialsProvider`]), 'SparkApplication');
    assert.ok(irsa.length >= 3);
    for (const a of irsa) {
      assert.equal(a.spec.sparkConf[provider], 'com.amazonaws.auth.WebIdentityTokenCredentialsProvider', h.name);
      assert.deepEqual(Object.keys(a.spec.sparkConf).filter((k) => k.includes('secretKeyRef')), [], h.name);
      assert.deepEqual(crds.validate(a), []);
    }
    const role = 'arn:aws:iam::123456789012:role/clickstream';
    const accounts = byKind(render(h.bin, 'default', ['--set-string', `spark.serviceAccountAnnotations.eks\\.amazonaws\\.com/role-arn=${role}`]), 'ServiceAccount');
    const spark = accounts.find((sa) => sa.metadata.labels['app.kubernetes.io/component'] === 'spark');
    assert.equal(spark.metadata.annotations['eks.amazonaws.com/role-arn'], role, h.name);
    // No Secret and no other way named: refused at render time, not by every job at run time.
    const r = helm(h.bin, ['template', 'cs', chart, '--set-string', 'storage.credentialsSecret.name=']);
    assert.notEqual(r.code, 0, h.name);
    assert.match(r.err, /storage\.credentialsSecret\.name is empty/);
  }
});

test('spark: the chart passes every JVM flag of spark-apps/src/main/jvm/spark-java17.args', () => {
  const wanted = readFileSync(join(repo, 'spark-apps/src/main/jvm/spark-java17.args'), 'utf8')
    .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  assert.ok(wanted.length >= 15);
  for (const a of byKind(defaults(), 'SparkApplication')) {
    assert.deepEqual(a.spec.driver.javaOptions.split(' ').sort(), [...wanted].sort(), `${a.metadata.name} driver`);
    assert.deepEqual(a.spec.executor.javaOptions.split(' ').sort(), [...wanted].sort(), `${a.metadata.name} executor`);
  }
});

function sparkAppsJar() {
  const target = join(repo, 'spark-apps/target');
  const jars = existsSync(target) ? readdirSync(target).filter((f) => /^clickstream-spark-apps-.*\.jar$/.test(f) && !/-(tests|sources)\.jar$/.test(f)) : [];
  assert.equal(jars.length, 1, `build spark-apps first (./mvnw -pl spark-apps -am package -DskipTests); found ${jars}`);
  assert.ok(existsSync(join(target, 'lib')), 'spark-apps/target/lib missing (made by the package phase)');
  return { jar: join(target, jars[0]), lib: join(target, 'lib') };
}

function runEntryPoint(app, extraArgs, env) {
  const { jar, lib } = sparkAppsJar();
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLICKSTREAM_')));
  const r = spawnSync('java', [...app.spec.driver.javaOptions.split(' '), '-cp', `${jar}:${lib}/*`, app.spec.mainClass,
    ...(app.spec.arguments ?? []), ...extraArgs], { encoding: 'utf8', env: { ...cleanEnv, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

function driverEnv(app) {
  const prefix = 'spark.kubernetes.driverEnv.';
  return Object.fromEntries(Object.entries(app.spec.sparkConf).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

test('spark: the main classes exist in the built spark-apps jar', () => {
  const { jar } = sparkAppsJar();
  const listing = spawnSync('jar', ['tf', jar], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(listing.status, 0, listing.stderr);
  const entries = new Set(listing.stdout.split('\n'));
  for (const v of VARIANTS) {
    for (const a of byKind(rendered.get(`helm 4/${v}`), 'SparkApplication')) {
      assert.ok(entries.has(`${a.spec.mainClass.replaceAll('.', '/')}.class`), `${a.spec.mainClass} (${v}) not in ${basename(jar)}`);
    }
  }
});

for (const variant of ['default', 'external-s3']) {
  test(`spark: each entry point accepts the chart's arguments and settings (--help, --dry-run) for ${variant}`, () => {
    const apps = byKind(rendered.get(`helm 4/${variant}`), 'SparkApplication');
    assert.equal(apps.length, 3);
    for (const app of apps) {
      const help = runEntryPoint(app, ['--help'], {});
      assert.equal(help.code, 0, `${app.spec.mainClass} --help: ${help.err}`);
      assert.match(help.out, /usage:/);
      const env = driverEnv(app);
      assert.ok(env.CLICKSTREAM_WAREHOUSE_ROOT, 'no settings passed to the driver');
      const dry = runEntryPoint(app, ['--dry-run'], env);
      assert.equal(dry.code, 0, `${app.spec.mainClass} --dry-run refused the chart's settings:\n${dry.err}`);
      assert.match(dry.out, /configuration is valid/);
      assert.ok(dry.out.includes(env.CLICKSTREAM_WAREHOUSE_ROOT), 'the warehouse root from the chart was not taken');
    }
  });
}

test('spark: a setting the entry point cannot parse makes the dry run fail', () => {
  const app = byKind(defaults(), 'SparkApplication')[0];
  const dry = runEntryPoint(app, ['--dry-run'], { ...driverEnv(app), CLICKSTREAM_METRICS_PORT: 'ninety' });
  assert.notEqual(dry.code, 0);
  assert.match(dry.err, /metrics\.port/);
});

test('grafana: the local data source has a URL Grafana can use as it stands', () => {
  // Grafana expands provisioning values with Go's os.ExpandEnv: ${VAR:-default} would be read as a variable
  // named "VAR:-default", never set, and leave the URL empty.
  const file = parseYaml(readFileSync(join(repo, 'grafana/provisioning/datasources/clickstream.yml'), 'utf8'));
  for (const ds of file.datasources) {
    assert.match(ds.url, /^https?:\/\/[^$]+$/, ds.name);
  }
});

test('grafana/ is the chart\'s files/grafana, not a copy', () => {
  const link = join(repo, 'grafana');
  assert.ok(lstatSync(link).isSymbolicLink(), 'grafana/ must stay a symlink to helm/clickstream/files/grafana');
  assert.equal(realpathSync(link), realpathSync(join(chart, 'files/grafana')));
});

test('monitoring: PrometheusRule and dashboards are the files of grafana/, unchanged', () => {
  const dir = join(chart, 'files/grafana');
  const ruleFiles = readdirSync(join(dir, 'alerts')).filter((f) => /\.rules\.ya?ml$/.test(f)).sort();
  assert.ok(ruleFiles.length > 0);
  const groups = ruleFiles.flatMap((f) => parseYaml(readFileSync(join(dir, 'alerts', f), 'utf8')).groups);
  const rule = byKind(defaults(), 'PrometheusRule')[0];
  assert.deepEqual(rule.spec.groups, groups);
  assert.equal(rule.metadata.labels.release, 'kube-prometheus-stack');

  const dashFiles = readdirSync(join(dir, 'dashboards')).filter((f) => f.endsWith('.json')).sort();
  const maps = byKind(defaults(), 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1');
  assert.equal(maps.length, dashFiles.length);
  const uids = new Set();
  for (const f of dashFiles) {
    const text = readFileSync(join(dir, 'dashboards', f), 'utf8');
    const map = maps.find((m) => m.data[f] !== undefined);
    assert.ok(map, `no ConfigMap for ${f}`);
    assert.equal(map.data[f], text.replace(/\n$/, ''), `${f} differs from its ConfigMap`);
    const uid = JSON.parse(text).uid;
    assert.ok(uid && !uids.has(uid), `${f}: missing or duplicate uid ${uid}`);
    uids.add(uid);
  }
  const mon = byKind(defaults(), 'ServiceMonitor')[0];
  assert.equal(mon.metadata.labels.release, 'kube-prometheus-stack');
  // Prometheus makes targets only of ports a container declares: the PodMonitor's port is each driver's named port.
  const endpoint = byKind(defaults(), 'PodMonitor')[0].spec.podMetricsEndpoints[0];
  for (const app of byKind(defaults(), 'SparkApplication')) {
    const port = app.spec.driver.ports.find((p) => p.name === endpoint.port);
    assert.ok(port, `${app.metadata.name}: no driver port named ${endpoint.port}`);
    assert.equal(port.containerPort, 9464);
    assert.equal(app.spec.sparkConf['spark.kubernetes.driverEnv.CLICKSTREAM_METRICS_PORT'], '9464');
  }
  // The Prometheus operator labels every target with endpoint=<port name> and renames a metric's own endpoint label
  // to exported_endpoint: a dashboard or rule selecting on the metric's endpoint would find nothing.
  for (const f of [...readdirSync(join(dir, 'dashboards')).map((d) => join(dir, 'dashboards', d)),
    ...readdirSync(join(dir, 'alerts')).map((a) => join(dir, 'alerts', a))]) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /[{,(]\s*endpoint\b|\{\{endpoint\}\}/, `${f} uses the endpoint label`);
  }
});

function promqlErrors(expr) {
  // Grafana's variables are not PromQL: give them a value of the right kind first.
  const e = expr.replace(/\$__(rate_)?interval|\$__range/g, '5m').replace(/\$\{?\w+\}?/g, 'x');
  const errors = [];
  promqlParser.parse(e).iterate({ enter: (n) => { if (n.type.isError) errors.push(`${expr} (at ${n.from})`); } });
  return errors;
}

test('monitoring: every PromQL expression in rules and dashboards parses', () => {
  const dir = join(chart, 'files/grafana');
  const exprs = [];
  for (const f of readdirSync(join(dir, 'alerts')).filter((f) => /\.rules\.ya?ml$/.test(f))) {
    for (const g of parseYaml(readFileSync(join(dir, 'alerts', f), 'utf8')).groups) for (const r of g.rules) exprs.push(String(r.expr));
  }
  const collect = (panel) => {
    for (const t of panel.targets ?? []) if (t.expr) exprs.push(t.expr);
    for (const p of panel.panels ?? []) collect(p);
  };
  for (const f of readdirSync(join(dir, 'dashboards')).filter((f) => f.endsWith('.json'))) {
    for (const p of JSON.parse(readFileSync(join(dir, 'dashboards', f), 'utf8')).panels ?? []) collect(p);
  }
  assert.ok(exprs.length > 5);
  assert.deepEqual(exprs.flatMap(promqlErrors), []);
  const bad = promqlErrors('sum(rate(clickstream_gateway_events_received_total[5m])');
  assert.ok(bad.length > 0, 'the PromQL parser accepted an unbalanced expression');
});

test('rbac: the gateway only reads, except for resubmitting its own applications and its Lease', () => {
  const role = byKind(defaults(), 'Role').find((r) => r.metadata.name.endsWith('-gateway'));
  for (const rule of role.rules) {
    const writes = rule.verbs.filter((v) => !['get', 'list', 'watch'].includes(v));
    if (writes.length === 0) continue;
    if (writes.length === 1 && writes[0] === 'create') continue; // Kubernetes cannot scope create by name
    assert.ok(rule.resourceNames?.length > 0, `unscoped write verbs ${writes} on ${rule.resources}`);
  }
  assert.ok(!role.rules.some((r) => r.resources.includes('secrets')), 'the gateway must not read secrets');
  const spark = byKind(defaults(), 'Role').find((r) => r.metadata.name.endsWith('-spark'));
  assert.ok(!spark.rules.some((r) => r.verbs.includes('*') || r.resources.includes('*') || r.resources.includes('secrets')));
  assert.equal(byKind(rendered.get('helm 4/minimal'), 'Role').length, 1, 'no gateway Role without the supervisor');
});

test('network policies: only the gateway takes outside traffic; Kafka listener limited to gateway and jobs', () => {
  const pols = byKind(defaults(), 'NetworkPolicy');
  assert.equal(pols.length, 2);
  const spark = pols.find((p) => p.metadata.name.endsWith('-spark'));
  for (const rule of spark.spec.ingress) assert.ok(rule.from?.length > 0, 'spark pods open to everyone');
  const restricted = byKind(rendered.get('helm 4/ingress-on'), 'NetworkPolicy').find((p) => p.metadata.name.endsWith('-gateway'));
  const sources = restricted.spec.ingress.flatMap((r) => r.from);
  assert.ok(sources.some((f) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring'), 'Prometheus locked out');
  assert.ok(sources.some((f) => f.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'test'), 'helm test locked out');
  assert.ok(sources.every((f) => f.namespaceSelector || f.podSelector), 'an open rule remains');
  const listener = byKind(defaults(), 'Kafka')[0].spec.kafka.listeners[0];
  assert.equal(listener.networkPolicyPeers.length, 2);
});

test('helm test hook: sends a beacon and expects 202', () => {
  const pod = byKind(defaults(), 'Pod').find((p) => p.metadata.annotations?.['helm.sh/hook'] === 'test');
  assert.ok(pod, 'no helm test pod');
  const script = pod.spec.containers[0].args.join('\n');
  assert.match(script, /\/v1\/events/);
  assert.match(script, /test "\$code" = 202/);
});

test('k8s/: the namespace, Secret and storage examples validate strictly too', () => {
  const files = ['namespace.yaml', 'secrets.example.yaml', 'storage/minio.yaml'];
  const objects = files.flatMap((f) => parseAllDocuments(readFileSync(join(repo, 'k8s', f), 'utf8')).map((d) => d.toJS()).filter(Boolean));
  assert.ok(objects.length >= 7);
  const errors = objects.flatMap((o) => (isBuiltIn(o) ? validateBuiltIn(o).map((e) => `${id(o)}: ${e}`) : [`${id(o)}: not a built-in kind`]));
  errors.push(...typeCheckStrict('k8s-examples', objects));
  assert.deepEqual(errors, []);
  for (const f of readdirSync(join(repo, 'k8s/operators'))) {
    assert.doesNotThrow(() => parseYaml(readFileSync(join(repo, 'k8s/operators', f), 'utf8')), f);
  }
});
