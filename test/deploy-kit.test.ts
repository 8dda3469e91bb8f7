import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { signIn } from "./support/clients.js";
import { isCi } from "./support/database-report.js";
import { exposedSeriesNames, promqlMetricNames } from "./support/promql-metric-names.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

// js-yaml arrives with the OpenAPI validator (a dev dependency); typed here to what the test uses.
const yaml = createRequire(import.meta.url)("js-yaml") as {
  load(text: string): unknown;
  loadAll(text: string): unknown[];
};

const DEPLOY = new URL("../deploy/", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, DEPLOY), "utf8");
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field below.
type Doc = Record<string, any>;
const load = (path: string) => yaml.load(read(path)) as Doc;

/** The defaults ECT runs with when nothing is set: the kit must agree with them. */
const defaults = loadConfig({});

const PROMTOOL_MISSING = spawnSync("promtool", ["--version"]).error !== undefined;
/** Outside CI a missing promtool skips its checks; under CI it fails them (it is installed by .ci/run). */
function promtoolOrSkip(t: { skip(reason: string): void }): boolean {
  if (!PROMTOOL_MISSING) return true;
  if (isCi())
    assert.fail("promtool is not installed (Debian package prometheus): the alert rules are unchecked");
  t.skip("promtool not installed (Debian package prometheus)");
  return false;
}

function promtool(args: string[], cwd: string): string {
  const result = spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 60_000 });
  assert.equal(result.status, 0, `promtool ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

describe("the production kit in deploy/", () => {
  describe("every YAML file parses", () => {
    const files = [
      "compose.yaml",
      "otel-collector.yaml",
      "prometheus/prometheus.yml",
      "prometheus/alerts.yaml",
      "prometheus/alerts.test.yaml",
      ...readdirSync(new URL("kubernetes/", DEPLOY)).map((name) => `kubernetes/${name}`),
    ];
    for (const file of files) {
      it(file, () => {
        const docs = yaml.loadAll(read(file));
        assert.ok(docs.length > 0 && docs.every((doc) => doc && typeof doc === "object"), `${file} is empty`);
      });
    }
  });

  it("the Dockerfile builds on Node 24, runs as a non-root user, checks /alive and holds no secret", () => {
    const dockerfile = read("Dockerfile");
    const instructions = dockerfile
      .replace(/\\\n/g, " ")
      .split("\n")
      .filter((line) => line.trim() && !line.trimStart().startsWith("#"));
    const from = instructions.filter((line) => /^FROM\b/i.test(line));
    assert.equal(from.length, 2, "multi-stage: a build stage and a runtime stage");
    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24[-\w.]*$/m, "the base image is Node 24");
    const runtime = instructions.slice(instructions.indexOf(from[1]));
    assert.match(
      runtime.join("\n"),
      /npm ci --omit=dev/,
      "production dependencies only in the runtime stage",
    );
    assert.match(
      runtime.join("\n"),
      /COPY --from=build \/app\/web\/dist \.\/web\/dist/,
      "the built web client",
    );
    const user = runtime.filter((line) => /^USER\b/.test(line)).at(-1);
    assert.ok(user && !/^USER\s+(root|0)(:|\s|$)/.test(user), `runs as a non-root user: ${user}`);
    assert.ok(
      runtime.indexOf(user) < runtime.findIndex((line) => /^ENTRYPOINT\b/.test(line)),
      "USER is set before ENTRYPOINT",
    );
    const healthcheck = runtime.find((line) => /^HEALTHCHECK\b/.test(line));
    assert.match(healthcheck ?? "", /\/alive/, "HEALTHCHECK asks /alive");
    assert.match(runtime.join("\n"), /^STOPSIGNAL SIGTERM$/m);
    assert.match(runtime.join("\n"), /^ENV[\s\S]*ECT_DATA_DIR=\/data/m, "the only data directory is /data");
    assert.doesNotMatch(dockerfile, /(SECRET|PASSWORD|TOKEN)[A-Z_]*[= ]/, "no secret baked into the image");
    const ignore = read("Dockerfile.dockerignore");
    for (const path of ["**/node_modules", ".env", "data"])
      assert.ok(ignore.split("\n").includes(path), `${path} stays out of the build context`);
  });

  it("compose runs ECT read-only beside PostgreSQL, the collector and Prometheus, secrets from the environment", () => {
    const compose = load("compose.yaml");
    const services = compose.services as Record<string, Doc>;
    for (const name of ["postgres", "ect", "otel-collector", "prometheus", "migrate"])
      assert.ok(services[name], `service ${name}`);
    const ect = services.ect;
    assert.equal(ect.read_only, true);
    assert.deepEqual(ect.tmpfs, ["/tmp", "/data"]);
    assert.equal(ect.depends_on.migrate.condition, "service_completed_successfully");
    assert.equal(ect.environment.ECT_PORT, String(defaults.port));
    assert.ok(
      ect.ports.every((port: string) => port.startsWith("127.0.0.1:")),
      "published on loopback only",
    );
    const graceMs = Number(ect.environment.ECT_SHUTDOWN_GRACE_MS);
    assert.equal(graceMs, defaults.shutdownGraceMs);
    assert.ok(Number.parseInt(ect.stop_grace_period, 10) * 1000 > graceMs, "Docker waits for the drain");
    // Every credential is a ${VAR:?…} that compose refuses to start without, never a literal.
    for (const key of ["ECT_DATABASE_URL", "ECT_JWT_SECRET"])
      assert.match(ect.environment[key], /\$\{[A-Z_]+:\?/, `${key} comes from the environment`);
    assert.match(services.postgres.environment.POSTGRES_PASSWORD, /^\$\{POSTGRES_PASSWORD:\?/);
    // Spans go to the collector's OTLP/HTTP receiver, Prometheus reads the kit's config and rules.
    const collector = load("otel-collector.yaml");
    const httpPort = collector.receivers.otlp.protocols.http.endpoint.split(":").at(-1);
    assert.equal(ect.environment.OTEL_EXPORTER_OTLP_ENDPOINT, `http://otel-collector:${httpPort}`);
    const mounts: string[] = services.prometheus.volumes;
    assert.ok(mounts.includes("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"));
    assert.ok(mounts.includes("./prometheus/alerts.yaml:/etc/prometheus/alerts.yaml:ro"));
    assert.ok(
      services["otel-collector"].volumes.includes("./otel-collector.yaml:/etc/otelcol/config.yaml:ro"),
    );
  });

  it("the collector receives OTLP and every pipeline names components it defines", () => {
    const collector = load("otel-collector.yaml");
    assert.ok(collector.receivers.otlp.protocols.http, "OTLP/HTTP, which ECT's exporter speaks");
    const pipelines = collector.service.pipelines as Record<string, Doc>;
    assert.ok(pipelines.traces.receivers.includes("otlp"));
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const kind of ["receivers", "processors", "exporters"]) {
        for (const component of pipeline[kind] ?? [])
          assert.ok(collector[kind][component] !== undefined, `${name} uses undefined ${kind} ${component}`);
      }
    }
    for (const extension of collector.service.extensions ?? [])
      assert.ok(collector.extensions[extension] !== undefined, `undefined extension ${extension}`);
  });

  describe("Kubernetes", () => {
    const manifests = readdirSync(new URL("kubernetes/", DEPLOY))
      .filter((name) => name !== "kustomization.yaml")
      .flatMap((name) => yaml.loadAll(read(`kubernetes/${name}`)) as Doc[]);
    const byKind = (kind: string) => {
      const found = manifests.find((manifest) => manifest.kind === kind);
      assert.ok(found, `a ${kind}`);
      return found;
    };
    const deployment = byKind("Deployment");
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const configMap = byKind("ConfigMap");

    it("the ConfigMap is a configuration ECT accepts, with its port and drain", () => {
      const configSource = readFileSync(new URL("../src/config.ts", import.meta.url), "utf8");
      for (const key of Object.keys(configMap.data)) {
        assert.ok(
          key.startsWith("OTEL_") || configSource.includes(`"${key}"`) || configSource.includes(`env.${key}`),
          `${key} is a setting src/config.ts reads`,
        );
      }
      const config = loadConfig(configMap.data);
      assert.equal(config.profile, "production");
      assert.equal(config.seedDemo, false, "no demo data in production");
      assert.equal(config.port, defaults.port);
      assert.equal(config.shutdownGraceMs, defaults.shutdownGraceMs);
    });

    it("the Deployment probes /alive and /healthz on ECT's port, and its grace period covers preStop and the drain", () => {
      const port = container.ports.find((p: Doc) => p.name === "http");
      assert.equal(port.containerPort, defaults.port);
      assert.deepEqual(container.args, ["serve"]);
      assert.equal(container.livenessProbe.httpGet.path, "/alive");
      assert.equal(container.readinessProbe.httpGet.path, "/healthz");
      assert.ok(container.startupProbe.httpGet.path, "a startup probe");
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"])
        assert.equal(container[probe].httpGet.port, "http", `${probe} on the named port`);
      const preStop = container.lifecycle.preStop.exec.command as string[];
      assert.equal(preStop[0], "sleep");
      const preStopSeconds = Number(preStop[1]);
      assert.ok(preStopSeconds > 0);
      const drainSeconds = Number(configMap.data.ECT_SHUTDOWN_GRACE_MS) / 1000;
      assert.ok(
        pod.terminationGracePeriodSeconds > preStopSeconds + drainSeconds,
        `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} > preStop ${preStopSeconds} s + drain ${drainSeconds} s`,
      );
    });

    it("the pod runs as a non-root user on a read-only root filesystem, with /tmp and /data writable", () => {
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.notEqual(pod.securityContext.runAsUser, 0);
      assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
      const mounts = (container.volumeMounts as Doc[]).map((mount) => mount.mountPath).sort();
      assert.deepEqual(mounts, ["/data", "/tmp"]);
      assert.deepEqual(
        container.envFrom.map((source: Doc) => source.configMapRef?.name ?? source.secretRef?.name),
        [configMap.metadata.name, byKind("Secret").metadata.name],
      );
    });

    it("the Service, PodDisruptionBudget and HorizontalPodAutoscaler select the Deployment's pods", () => {
      const labels = deployment.spec.template.metadata.labels as Record<string, string>;
      const selects = (selector: Record<string, string>) =>
        Object.entries(selector).every(([key, value]) => labels[key] === value);
      assert.ok(selects(deployment.spec.selector.matchLabels));
      const service = byKind("Service");
      assert.ok(selects(service.spec.selector));
      assert.equal(service.spec.ports[0].targetPort, "http");
      assert.ok(selects(byKind("PodDisruptionBudget").spec.selector.matchLabels));
      const hpa = byKind("HorizontalPodAutoscaler");
      assert.equal(hpa.spec.scaleTargetRef.kind, "Deployment");
      assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name);
      assert.ok(hpa.spec.minReplicas >= 2, "more than one instance survives a node drain");
    });

    it("the migration Job runs `ect migrate` with the Deployment's image and configuration", () => {
      const job = byKind("Job").spec.template.spec;
      const cli = readFileSync(new URL("../src/cli.ts", import.meta.url), "utf8");
      assert.deepEqual(job.containers[0].args, ["migrate"]);
      assert.match(cli, /case "migrate":/);
      assert.equal(job.containers[0].image, container.image);
      assert.deepEqual(job.containers[0].envFrom, container.envFrom);
      assert.equal(job.containers[0].securityContext.readOnlyRootFilesystem, true);
    });

    it("the Secret in git holds placeholders only, and kustomize does not apply it", () => {
      const secret = byKind("Secret");
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>))
        assert.match(value, /^REPLACE-/, `${key} is a placeholder`);
      const kustomization = load("kubernetes/kustomization.yaml");
      assert.ok(!kustomization.resources.includes("secret.yaml"));
      for (const resource of kustomization.resources)
        assert.ok(readdirSync(new URL("kubernetes/", DEPLOY)).includes(resource), `${resource} exists`);
    });
  });

  describe("Prometheus (promtool)", () => {
    const dir = new URL("prometheus/", DEPLOY).pathname;

    it("promtool check rules accepts the alert rules", (t) => {
      if (!promtoolOrSkip(t)) return;
      assert.match(promtool(["check", "rules", "alerts.yaml"], dir), /SUCCESS: \d+ rules found/);
    });

    it("promtool test rules: each alert fires on its input and stays quiet otherwise", (t) => {
      if (!promtoolOrSkip(t)) return;
      promtool(["test", "rules", "alerts.test.yaml"], dir);
    });

    it("promtool check config accepts the scrape configuration (token file in a temporary directory)", (t) => {
      if (!promtoolOrSkip(t)) return;
      // promtool checks that the credentials file exists; compose mounts it at /etc/prometheus/ect-token/token.
      const scratch = mkdtempSync(join(tmpdir(), "ect-prometheus-"));
      try {
        const token = join(scratch, "token");
        writeFileSync(token, "not-a-token\n");
        writeFileSync(join(scratch, "alerts.yaml"), read("prometheus/alerts.yaml"));
        const config = read("prometheus/prometheus.yml");
        assert.match(config, /credentials_file: \/etc\/prometheus\/ect-token\/token/);
        writeFileSync(
          join(scratch, "prometheus.yml"),
          config.replace("/etc/prometheus/ect-token/token", token),
        );
        promtool(["check", "config", "prometheus.yml"], scratch);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });

    it("the alert rules cover what the issue lists", () => {
      const rules = (load("prometheus/alerts.yaml").groups as Doc[]).flatMap((group) => group.rules);
      const exprOf = (name: string) => rules.find((rule) => rule.alert === name)?.expr ?? "";
      assert.match(exprOf("ECTHighErrorRate"), />= 0\.5/, "error rate: the breaker's 50 % (REQUIREMENTS §3)");
      assert.match(exprOf("ECTUnaryLatencyHigh"), /histogram_quantile\(0\.99[\s\S]*> 1\b/, "p99 latency");
      assert.match(exprOf("ECTCircuitBreakerOpen"), /ect_circuit_state == 2/, "breaker open");
      assert.match(exprOf("ECTStreamRejections"), /kind="stream_limit"/, "stream rejections");
      assert.match(exprOf("ECTTimeToFirstItemHigh"), /ect_stream_first_item_seconds_bucket/, "first item");
      assert.match(
        exprOf("ECTOutboxBacklog"),
        new RegExp(`> ${defaults.notifications.degradedAfterMs / 1000}\\b`),
        "outbox age: the age at which /healthz turns Degraded",
      );
    });
  });

  it("reads metric names out of PromQL", () => {
    assert.deepEqual(
      promqlMetricNames(
        'histogram_quantile(0.99, sum by (le) (rate(a_bucket{method!~".*/Watch.*"}[5m]) unless on (instance, method) b_count)) > 1 and c',
      ),
      ["a_bucket", "b_count", "c"],
    );
    assert.deepEqual(promqlMetricNames('sum(rate(x_total{kind="by"}[$__rate_interval])) by (kind)'), [
      "x_total",
    ]);
    const names = exposedSeriesNames('# TYPE h histogram\n# TYPE c counter\nc{kind="x"} 1\ng 2\n');
    assert.deepEqual([...names].sort(), ["c", "g", "h", "h_bucket", "h_count", "h_sum"]);
  });

  describe("against a running ECT: the dashboard and the alert rules query metrics it exports", () => {
    let server: TestServer;
    let exported: Set<string>;

    before(async () => {
      // Metric names do not depend on the database: PostgreSQL when there is one (it starts faster), else PGlite.
      server = await startTestServer(process.env.ECT_TEST_DATABASE_URL);
      const admin = await signIn(server.url, "admin");
      const auth = { authorization: `Bearer ${admin}` };
      // A unary call, a stream and a refused call, so labelled series exist beside the families.
      assert.equal((await fetch(`${server.url}/ect/v1/cases/1`, { headers: auth })).status, 200);
      const stream = await fetch(`${server.url}/ect/v1/cases:stream`, { headers: auth });
      assert.equal(stream.status, 200);
      await stream.text();
      assert.equal((await fetch(`${server.url}/ect/v1/cases/999999999`, { headers: auth })).status, 404);
      const metrics = await fetch(`${server.url}/metrics`, { headers: auth });
      assert.equal(metrics.status, 200);
      exported = exposedSeriesNames(await metrics.text());
    });
    after(async () => server?.stop());

    /** Series Prometheus itself adds to every target; everything else must come from ECT's /metrics. */
    const PROMETHEUS_OWN = new Set(["up"]);
    const missing = (expr: string) =>
      promqlMetricNames(expr).filter((name) => !PROMETHEUS_OWN.has(name) && !exported.has(name));

    it("the Grafana dashboard is valid JSON whose every panel queries exported metrics", () => {
      const dashboard = JSON.parse(read("grafana/ect-dashboard.json")) as Doc;
      assert.equal(typeof dashboard.uid, "string");
      assert.ok(dashboard.templating.list.some((variable: Doc) => variable.type === "datasource"));
      const panels = (dashboard.panels as Doc[]).filter((panel) => panel.type !== "row");
      assert.ok(panels.length >= 10);
      const ids = (dashboard.panels as Doc[]).map((panel) => panel.id);
      assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
      for (const panel of panels) {
        assert.ok(panel.targets?.length > 0, `${panel.title} has a query`);
        for (const target of panel.targets) {
          assert.ok(promqlMetricNames(target.expr).length > 0, `${panel.title}: ${target.expr}`);
          assert.deepEqual(missing(target.expr), [], `${panel.title} queries metrics ECT does not export`);
        }
      }
      for (const variable of dashboard.templating.list as Doc[]) {
        if (variable.type === "query")
          assert.deepEqual(missing(variable.query.query.replace(/^label_values\((.*),\s*\w+\)$/, "$1")), []);
      }
    });

    it("every alert rule queries exported metrics", () => {
      const rules = (load("prometheus/alerts.yaml").groups as Doc[]).flatMap((group) => group.rules);
      assert.ok(rules.length > 0);
      for (const rule of rules)
        assert.deepEqual(missing(rule.expr), [], `${rule.alert} queries unknown metrics`);
    });
  });
});
