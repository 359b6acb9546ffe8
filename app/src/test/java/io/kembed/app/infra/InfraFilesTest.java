package io.kembed.app.infra;

import static io.kembed.app.infra.InfraFiles.INFRA;
import static io.kembed.app.infra.InfraFiles.K8S;
import static io.kembed.app.infra.InfraFiles.named;
import static io.kembed.app.infra.InfraFiles.ofKind;
import static io.kembed.app.infra.InfraFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kembed.app.KembedCli;
import io.kembed.app.pipeline.PipelineOptions;
import io.kembed.core.kafka.TopicNames;
import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import io.kembed.core.ops.OpsServer;
import io.kembed.embed.EmbedWorkerConfig;
import io.kembed.rerank.requestreply.RerankTopics;
import io.kembed.rerank.requestreply.RerankWorker;
import io.kembed.sink.SinkWorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The deployment files under {@code infra/} agree with the code, checked without a container engine or a cluster:
 * every YAML and JSON file parses; every command line in them parses with the real CLI; probes, ports and scrape
 * paths are {@link OpsServer}'s; KEDA's consumer groups and topics are the workers' own and its replica maxima do
 * not exceed the partitions; every secret, config map and environment variable referred to exists and is read.
 */
class InfraFilesTest {

    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
    /** Read outside picocli: logback.xml, BiEncoderOptions/CrossEncoderOptions (cache), DJL (native library). */
    private static final Set<String> PROCESS_ENV = Set.of("KEMBED_LOG_LEVEL", "KEMBED_CACHE_DIR", "DJL_CACHE_DIR");

    /** Parses a kembed command line as the CLI would, returning the subcommand path, e.g. [worker, embed]. */
    private static List<String> parse(List<String> args) {
        ParseResult result = KembedCli.commandLine().parseArgs(args.toArray(String[]::new));
        List<String> path = new ArrayList<>();
        for (ParseResult r = result.subcommand(); r != null; r = r.subcommand()) {
            path.add(r.commandSpec().name());
        }
        return path;
    }

    /** Environment variables the options of {@code kembed <path>} read, inherited and mixed-in ones included. */
    private static Set<String> envRead(List<String> path) {
        CommandSpec spec = KembedCli.commandLine().setInterpolateVariables(false).getCommandSpec(); // raw ${env:...}
        for (String name : path) {
            spec = spec.subcommands().get(name).getCommandSpec();
        }
        Set<String> env = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (o.defaultValue() != null) {
                Matcher m = ENV_DEFAULT.matcher(o.defaultValue());
                while (m.find()) {
                    env.add(m.group(1));
                }
            }
        }
        return env;
    }

    @Test
    void everyYamlAndJsonFile_parses() {
        List<Path> yaml = InfraFiles.yamlFiles(INFRA);
        assertThat(yaml).extracting(p -> INFRA.relativize(p).toString().replace('\\', '/')).contains(
                "docker-compose.yml", "prometheus/prometheus.yml", "grafana/provisioning/datasources/prometheus.yml",
                "grafana/provisioning/dashboards/kembed.yml", "k8s/kustomization.yaml", "k8s/keda-scaledobjects.yaml");
        yaml.forEach(f -> assertThat(InfraFiles.yamlDocuments(f)).as(f.toString()).isNotEmpty());
        assertThat(InfraFiles.json(INFRA.resolve("grafana/dashboards/kembed.json")).path("panels")).isNotEmpty();
    }

    @Test
    void compose_runsRealSubcommands_probesReady_andPrometheusScrapesEveryWorker() {
        JsonNode services = InfraFiles.yaml(INFRA.resolve("docker-compose.yml")).path("services");
        Set<String> workerServices = new TreeSet<>();
        services.fields().forEachRemaining(e -> {
            if (!e.getValue().path("image").asText().startsWith("kembed:")) {
                return;
            }
            List<String> path = parse(strings(e.getValue().path("command")));
            assertThat(path).as(e.getKey() + " command").isNotEmpty();
            if (path.get(0).equals("worker")) {
                workerServices.add(e.getKey());
                JsonNode env = e.getValue().path("environment");
                assertThat(env.path("KEMBED_OPS_PORT").asText()).isEqualTo(Integer.toString(OpsServer.DEFAULT_PORT));
                assertThat(strings(e.getValue().at("/healthcheck/test"))).anySatisfy(s -> assertThat(s)
                        .contains("/dev/tcp/127.0.0.1/" + OpsServer.DEFAULT_PORT)
                        .contains("GET " + OpsServer.READY_PATH + " "));
                Set<String> read = envRead(path);
                env.fieldNames().forEachRemaining(name -> assertThat(read.contains(name) || PROCESS_ENV.contains(name))
                        .as(e.getKey() + " reads " + name).isTrue());
            }
        });
        assertThat(workerServices).containsExactlyInAnyOrder("kembed-embed", "kembed-sink", "kembed-rerank");
        // Built from the Dockerfile this repository has.
        assertThat(services.at("/kembed-topics/build/dockerfile").asText()).isEqualTo("infra/Dockerfile");

        JsonNode scrape = InfraFiles.yaml(INFRA.resolve("prometheus/prometheus.yml")).path("scrape_configs");
        JsonNode kembed = null;
        for (JsonNode job : scrape) {
            if (job.path("job_name").asText().equals("kembed")) {
                kembed = job;
            }
        }
        assertThat(kembed).as("a kembed scrape job").isNotNull();
        assertThat(kembed.path("metrics_path").asText()).isEqualTo(OpsServer.METRICS_PATH);
        JsonNode sd = kembed.path("dns_sd_configs").get(0);
        assertThat(sd.path("port").asInt()).isEqualTo(OpsServer.DEFAULT_PORT);
        assertThat(strings(sd.path("names"))).containsExactlyInAnyOrderElementsOf(workerServices);
        // Prometheus itself must be mounted where its command line reads the file.
        assertThat(strings(services.at("/prometheus/volumes"))).contains(
                "./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(strings(services.at("/prometheus/command"))).contains(
                "--config.file=/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafana_provisionsThePrometheusDatasource_andTheDashboardFromItsMountedFolder() {
        JsonNode compose = InfraFiles.yaml(INFRA.resolve("docker-compose.yml"));
        JsonNode ds = InfraFiles.yaml(INFRA.resolve("grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0);
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(compose.at("/services/prometheus/ports/0").asText()).endsWith(":9090:9090");
        String provider = InfraFiles.yaml(INFRA.resolve("grafana/provisioning/dashboards/kembed.yml"))
                .at("/providers/0/options/path").asText();
        assertThat(strings(compose.at("/services/grafana/volumes"))).contains("./grafana/dashboards:" + provider + ":ro",
                "./grafana/provisioning:/etc/grafana/provisioning:ro");
        JsonNode dashboard = InfraFiles.json(INFRA.resolve("grafana/dashboards/kembed.json"));
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText())
                    .isEqualTo(ds.path("uid").asText());
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
        }
        // What the brief asks the dashboard to show: throughput, lag, latency histograms, DLQ, cache hit ratio.
        assertThat(InfraFiles.dashboardMetrics()).contains("kembed_embed_records_total", "kembed_embed_tokens_total",
                "kembed_sink_records_total", "kembed_consumer_lag_records", "kembed_embed_inference_seconds_bucket",
                "kembed_pipeline_latency_seconds_bucket", "kembed_dlq_records_total", "kembed_search_cache_total");
        // Names recorded elsewhere are listed here on purpose; OpsEndpointsIT checks all others against a real scrape.
        assertThat(InfraFiles.dashboardMetrics()).filteredOn(n -> n.startsWith("kembed_rerank")
                || n.startsWith("kembed_query") || n.startsWith("kembed_search"))
                .containsExactlyInAnyOrderElementsOf(InfraFiles.OTHER_MODULES_METRICS);
    }

    @Test
    void dockerfile_buildsTheJar_exposesTheOpsPort_andRunsARealSubcommand() throws IOException {
        String dockerfile = Files.readString(INFRA.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre")
                .contains("COPY --from=build /src/app/target/kembed.jar /opt/kembed/kembed.jar")
                .contains("\"-jar\", \"/opt/kembed/kembed.jar\"")
                .contains("EXPOSE " + OpsServer.DEFAULT_PORT);
        Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)]$").matcher(dockerfile);
        assertThat(cmd.find()).isTrue();
        List<String> args = new ArrayList<>();
        Matcher arg = Pattern.compile("\"([^\"]*)\"").matcher(cmd.group(1));
        while (arg.find()) {
            args.add(arg.group(1));
        }
        assertThat(parse(args)).containsExactly("worker", "embed");
        // Every module the build needs is copied into the build stage.
        for (String module : List.of("core", "producer", "embed-worker", "rerank-worker", "sink-qdrant", "app")) {
            assertThat(dockerfile).contains("COPY " + module + "/pom.xml " + module + "/")
                    .contains("COPY " + module + "/src " + module + "/src");
        }
    }

    @Test
    void k8sDeployments_probeOpsServerPaths_runRealSubcommands_andReferToExistingConfig() {
        List<JsonNode> objects = InfraFiles.k8sObjects();
        List<JsonNode> examples = InfraFiles.yamlDocuments(K8S.resolve("secrets.example.yaml"));
        Set<String> secretNames = new TreeSet<>();
        Map<String, Set<String>> secretKeys = new HashMap<>();
        for (JsonNode s : ofKind(examples, "Secret")) {
            String name = s.at("/metadata/name").asText();
            secretNames.add(name);
            Set<String> keys = new TreeSet<>();
            s.path("stringData").fieldNames().forEachRemaining(keys::add);
            secretKeys.put(name, keys);
        }
        JsonNode config = named(objects, "ConfigMap", "kembed-config");
        List<JsonNode> deployments = ofKind(objects, "Deployment");
        Set<String> readByAny = new TreeSet<>(PROCESS_ENV);
        assertThat(deployments).extracting(d -> d.at("/metadata/name").asText())
                .containsExactlyInAnyOrder("kembed-embed", "kembed-sink", "kembed-rerank");
        for (JsonNode d : deployments) {
            String name = d.at("/metadata/name").asText();
            JsonNode pod = d.at("/spec/template");
            assertThat(d.at("/spec/selector/matchLabels")).as(name).isEqualTo(
                    ((com.fasterxml.jackson.databind.node.ObjectNode) pod.at("/metadata/labels").deepCopy())
                            .without("app.kubernetes.io/component"));
            assertThat(pod.at("/metadata/annotations/prometheus.io~1port").asText())
                    .isEqualTo(Integer.toString(OpsServer.DEFAULT_PORT));
            assertThat(pod.at("/metadata/annotations/prometheus.io~1path").asText()).isEqualTo(OpsServer.METRICS_PATH);
            JsonNode c = pod.at("/spec/containers/0");
            List<String> path = parse(strings(c.path("args")));
            assertThat(path).as(name).containsExactly("worker", name.substring("kembed-".length()));
            assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(OpsServer.DEFAULT_PORT);
            String port = c.at("/ports/0/name").asText();
            assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo(OpsServer.LIVE_PATH);
            assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo(OpsServer.READY_PATH);
            assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo(OpsServer.LIVE_PATH);
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertThat(c.at("/" + probe + "/httpGet/port").asText()).as(name + " " + probe).isEqualTo(port);
            }
            assertThat(c.at("/envFrom/0/configMapRef/name").asText()).isEqualTo("kembed-config");
            Set<String> read = envRead(path);
            readByAny.addAll(read);
            assertThat(config.at("/data/KEMBED_OPS_PORT").asText()).isEqualTo(Integer.toString(OpsServer.DEFAULT_PORT));
            for (JsonNode env : c.path("env")) {
                assertThat(read).as(name + " reads " + env.path("name").asText()).contains(env.path("name").asText());
                JsonNode ref = env.at("/valueFrom/secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertThat(secretKeys.get(ref.path("name").asText())).as(name + " secret " + ref)
                            .contains(ref.path("key").asText());
                }
            }
            for (JsonNode v : pod.at("/spec/volumes")) {
                if (v.has("secret")) {
                    assertThat(secretNames).contains(v.at("/secret/secretName").asText());
                }
            }
            // The --kafka-config file is where the Secret is mounted, and the Secret holds that file.
            String kafkaConfig = strings(c.path("args")).get(strings(c.path("args")).indexOf("--kafka-config") + 1);
            JsonNode mount = null;
            for (JsonNode m : c.path("volumeMounts")) {
                if (kafkaConfig.startsWith(m.path("mountPath").asText() + "/")) {
                    mount = m;
                }
            }
            assertThat(mount).as(name + " mounts " + kafkaConfig).isNotNull();
            String volume = mount.path("name").asText();
            JsonNode secretVolume = null;
            for (JsonNode v : pod.at("/spec/volumes")) {
                if (v.path("name").asText().equals(volume)) {
                    secretVolume = v.path("secret");
                }
            }
            assertThat(secretKeys.get(secretVolume.path("secretName").asText()))
                    .contains(Path.of(kafkaConfig).getFileName().toString());
        }
        // The shared ConfigMap: each setting is read by at least one of the workers (a typo is read by none).
        config.path("data").fieldNames().forEachRemaining(env -> assertThat(readByAny).as("a worker reads " + env)
                .contains(env));
        JsonNode kustomization = InfraFiles.yaml(K8S.resolve("kustomization.yaml"));
        for (JsonNode r : kustomization.path("resources")) {
            assertThat(K8S.resolve(r.asText())).exists();
        }
        assertThat(strings(kustomization.path("resources"))).doesNotContain("secrets.example.yaml");
    }

    @Test
    void kedaScaledObjects_scaleOnTheWorkersOwnGroupsAndTopics_noFurtherThanThePartitions() {
        List<JsonNode> objects = InfraFiles.k8sObjects();
        ModelSpec model = ModelRegistry.get(named(objects, "ConfigMap", "kembed-config").at("/data/KEMBED_MODEL")
                .asText());
        TopicNames topics = new TopicNames(named(objects, "ConfigMap", "kembed-config").at("/data/KEMBED_TOPIC_PREFIX")
                .asText());
        String bootstrap = named(objects, "ConfigMap", "kembed-config").at("/data/KEMBED_BOOTSTRAP_SERVERS").asText();
        String embedGroup = EmbedWorkerConfig.defaults("unused:9092", model, Path.of("unused")).applicationId();
        String sinkGroup = SinkWorkerConfig.defaultGroupId(PipelineOptions.defaultCollection(model));
        String requests = new RerankTopics(topics.prefix()).requests();
        Map<String, Set<String>> expectedTopics = Map.of("kembed-embed", Set.copyOf(topics.changeTopics()),
                "kembed-sink", Set.of(topics.vectors(model.id())), "kembed-rerank", Set.of(requests));
        Map<String, String> expectedGroup = Map.of("kembed-embed", embedGroup, "kembed-sink", sinkGroup,
                "kembed-rerank", RerankWorker.Config.DEFAULT_GROUP_ID);
        Map<String, Integer> partitions = new HashMap<>();
        topics.changeTopics().forEach(t -> partitions.put(t, InfraFiles.partitions(t)));
        partitions.put(topics.vectors(model.id()), InfraFiles.partitions(topics.vectors(model.id())));
        partitions.put(requests, RerankWorker.Config.DEFAULT_REQUEST_PARTITIONS);

        List<JsonNode> scaled = ofKind(objects, "ScaledObject");
        assertThat(scaled).extracting(s -> s.at("/spec/scaleTargetRef/name").asText())
                .containsExactlyInAnyOrder("kembed-embed", "kembed-sink", "kembed-rerank");
        for (JsonNode s : scaled) {
            String target = s.at("/spec/scaleTargetRef/name").asText();
            named(objects, "Deployment", target);
            Set<String> triggerTopics = new TreeSet<>();
            int maxPartitions = 0;
            for (JsonNode t : s.at("/spec/triggers")) {
                assertThat(t.path("type").asText()).isEqualTo("kafka");
                JsonNode meta = t.path("metadata");
                assertThat(meta.path("consumerGroup").asText()).as(target).isEqualTo(expectedGroup.get(target));
                assertThat(meta.path("bootstrapServers").asText()).as(target).isEqualTo(bootstrap);
                assertThat(meta.path("allowIdleConsumers").asText()).isEqualTo("false");
                assertThat(Integer.parseInt(meta.path("lagThreshold").asText())).isPositive();
                String topic = meta.path("topic").asText();
                triggerTopics.add(topic);
                maxPartitions = Math.max(maxPartitions, partitions.get(topic));
                JsonNode auth = named(objects, "TriggerAuthentication", t.at("/authenticationRef/name").asText());
                for (JsonNode ref : auth.at("/spec/secretTargetRef")) {
                    assertThat(InfraFiles.yamlDocuments(K8S.resolve("secrets.example.yaml")).stream()
                            .filter(d -> d.at("/metadata/name").asText().equals(ref.path("name").asText()))
                            .anyMatch(d -> d.at("/stringData").has(ref.path("key").asText())))
                            .as("secret " + ref).isTrue();
                }
            }
            assertThat(triggerTopics).as(target).isEqualTo(expectedTopics.get(target));
            int max = s.at("/spec/maxReplicaCount").asInt();
            assertThat(max).as(target + " maxReplicaCount").isBetween(s.at("/spec/minReplicaCount").asInt(),
                    maxPartitions);
        }
    }
}
