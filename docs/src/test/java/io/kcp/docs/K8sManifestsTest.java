package io.kcp.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.EngineConfig;
import io.kcp.core.ProducerContext;
import io.kcp.core.spi.ConsumerTelemetry;
import io.kcp.core.spi.EngineLifecycle;
import io.kcp.lag.LagMonitor;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.coordinator.group.GroupCoordinatorConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the Kubernetes manifests in {@code docs/k8s} from drifting away from the library they
 * run: each strategy has the objects its README promises, every consumer pod's grace period
 * outlasts the engine's close as the library's own constants bound it, the rolling StatefulSet's
 * session timeout outlasts its restart and stays within the broker's limit, every consumer
 * setting is one Kafka knows, and the canary analysis reads metrics the library really exports.
 *
 * <p>Values are read the way Kubernetes would hand them to the container: an argument {@code
 * $(VAR)} is the container's env var, which may come from a ConfigMap key in the same file.
 */
class K8sManifestsTest {
  private static final Path K8S = Path.of("k8s").toAbsolutePath().normalize();

  /**
   * How long a consumer pod may take from SIGTERM to exit, by the library: its shutdown hook
   * closes the engine, and {@code close(timeout)} returns within the timeout plus the life
   * cycle's slack whatever the poll thread is doing. The timeout covers draining the running
   * records, the final commit and the consumer's close (one deadline for all three); a revoke
   * already draining when the close comes yields to it, so the drain bound is not added, only
   * required to fit.
   */
  static final Duration ENGINE_CLOSE_BOUND =
      max(ConsumerEngine.DEFAULT_CLOSE_TIMEOUT, EngineConfig.DEFAULT_DRAIN_TIMEOUT).plus(EngineLifecycle.CLOSE_WAIT_SLACK);

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static Map<String, Manifest> manifests;

  @BeforeAll
  static void read() throws IOException {
    manifests = new TreeMap<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".yaml")).sorted()::iterator) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
          while (it.hasNextValue()) {
            JsonNode doc = it.nextValue();
            if (doc != null && doc.isObject() && !doc.isEmpty()) {
              docs.add(doc);
            }
          }
        }
        manifests.put(f.getFileName().toString(), new Manifest(f.getFileName().toString(), docs));
      }
    }
  }

  @Test
  void everyStrategyHasItsManifestOfKubernetesObjects() {
    assertThat(manifests).containsKeys("stop.yaml", "rolling.yaml", "blue-green.yaml", "canary.yaml");
    manifests.values().forEach(m -> {
      assertThat(m.docs()).as(m.file()).isNotEmpty();
      for (JsonNode d : m.docs()) {
        assertThat(d.path("apiVersion").asText()).as(m.file() + ": apiVersion of " + d).isNotBlank();
        assertThat(d.path("kind").asText()).as(m.file() + ": kind of " + d).isNotBlank();
        assertThat(d.at("/metadata/name").asText()).as(m.file() + ": metadata.name of a " + d.path("kind")).isNotBlank();
      }
    });
  }

  @Test
  void stopIsADeploymentThatRecreates() {
    Manifest m = manifests.get("stop.yaml");
    JsonNode deployment = m.only("Deployment");
    assertThat(deployment.at("/spec/strategy/type").asText())
        .as("stop-the-world: every old pod gone before a new one starts").isEqualTo("Recreate");
    assertThat(m.engineContainers(deployment)).hasSize(1);
  }

  @Test
  void rollingIsAStatefulSetWhoseStaticIdIsThePodName() {
    Manifest m = manifests.get("rolling.yaml");
    JsonNode sts = m.only("StatefulSet");
    assertThat(sts.at("/spec/podManagementPolicy").asText()).isEqualTo("OrderedReady");
    assertThat(sts.at("/spec/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
    JsonNode c = single(m.engineContainers(sts));
    String id = option(args(c), "--instance-id")
        .orElseGet(() -> fail("rolling.yaml: the consumer gets no --instance-id (its group.instance.id prefix)"));
    Matcher var = VAR.matcher(id);
    assertThat(var.matches()).as("--instance-id is one env var, not " + id).isTrue();
    assertThat(env(c, var.group(1)).at("/valueFrom/fieldRef/fieldPath").asText())
        .as("group.instance.id comes from the pod's own name (downward API)").isEqualTo("metadata.name");
    assertThat(m.kind("PodDisruptionBudget")).as("a PodDisruptionBudget for the StatefulSet's pods")
        .anySatisfy(pdb -> assertThat(selects(pdb.at("/spec/selector/matchLabels"), sts)).isTrue());
  }

  @Test
  void rollingSessionTimeoutOutlastsARestartAndTheBrokerAllowsIt() {
    Manifest m = manifests.get("rolling.yaml");
    JsonNode sts = m.only("StatefulSet");
    String restart = sts.at("/metadata/annotations").path("kcp.io/expected-restart-seconds").asText();
    assertThat(restart).as("kcp.io/expected-restart-seconds on the StatefulSet").isNotBlank();
    long restartMs = Long.parseLong(restart) * 1000;
    long session = Long.parseLong(m.consumerProperties(single(m.engineContainers(sts))).getOrDefault(
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "missing"));
    assertThat(session)
        .as("session.timeout.ms > the expected restart (%d ms): a replaced static member is back before"
            + " the broker hands its partitions to others", restartMs)
        .isGreaterThan(restartMs)
        .as("session.timeout.ms within the broker's default group.min/max.session.timeout.ms")
        .isBetween((long) GroupCoordinatorConfig.GROUP_MIN_SESSION_TIMEOUT_MS_DEFAULT,
            (long) GroupCoordinatorConfig.GROUP_MAX_SESSION_TIMEOUT_MS_DEFAULT);
  }

  @Test
  void staticMembershipOnlyWherePodNamesAreStable() {
    for (Manifest m : manifests.values()) {
      for (JsonNode w : m.workloads()) {
        if (w.path("kind").asText().equals("StatefulSet")) {
          continue;
        }
        for (JsonNode c : m.engineContainers(w)) {
          assertThat(args(c)).as(m.file() + ": " + w.path("kind").asText() + " " + name(w)
                  + " names its pods afresh each time: a static id per pod would never be reused, and each"
                  + " old one would hold its partitions for a whole session timeout")
              .doesNotContain("--static-membership")
              .noneMatch(a -> a.equals("--instance-id") || a.startsWith("--instance-id="));
        }
      }
    }
  }

  @Test
  void blueAndGreenAreTwoGroupsAndTheSwitchJobKnowsWhichIsWhich() {
    Manifest m = manifests.get("blue-green.yaml");
    List<JsonNode> deployments = m.kind("Deployment");
    assertThat(deployments).hasSize(2);
    Map<String, String> groupOf = new LinkedHashMap<>();
    for (JsonNode d : deployments) {
      JsonNode c = single(m.engineContainers(d));
      groupOf.put(name(d), m.resolve(option(args(c), "--group").orElse("?"), c));
    }
    assertThat(new TreeSet<>(groupOf.values())).as("each color its own consumer group: " + groupOf).hasSize(2)
        .allMatch(g -> !g.contains("$("));

    JsonNode job = m.only("Job");
    JsonNode anyStep = job.at("/spec/template/spec/initContainers").get(0);
    Map<String, String> sw = m.configMap(anyStep.at("/envFrom/0/configMapRef/name").asText());
    JsonNode from = m.named("Deployment", sw.get("FROM_DEPLOYMENT"));
    JsonNode to = m.named("Deployment", sw.get("TO_DEPLOYMENT"));
    assertThat(sw.get("FROM_GROUP")).isEqualTo(groupOf.get(name(from)));
    assertThat(sw.get("TO_GROUP")).isEqualTo(groupOf.get(name(to)));
    assertThat(selects(labels(sw.get("FROM_SELECTOR")), from)).as("FROM_SELECTOR selects " + name(from)).isTrue();
    assertThat(selects(labels(sw.get("TO_SELECTOR")), to)).as("TO_SELECTOR selects " + name(to)).isTrue();
    assertThat(selects(labels(sw.get("TO_SELECTOR")), from)).as("TO_SELECTOR selects only " + name(to)).isFalse();
    assertThat(to.at("/spec/replicas").asInt(-1)).as("the idle color runs nothing").isZero();
    assertThat(Integer.parseInt(sw.get("TO_REPLICAS"))).as("the new color takes over the fleet's size")
        .isEqualTo(from.at("/spec/replicas").asInt()).isPositive();
    assertThat(Long.parseLong(sw.get("DRAIN_TIMEOUT_SECONDS")))
        .as("the switch waits for the drain at least as long as a pod may take to drain and commit")
        .isGreaterThan(from.at("/spec/template/spec/terminationGracePeriodSeconds").asLong());
  }

  @Test
  void canaryIsARolloutWhoseStepsArePartitionsAndWhoseAnalysisExists() {
    Manifest m = manifests.get("canary.yaml");
    JsonNode rollout = m.only("Rollout");
    JsonNode canary = rollout.at("/spec/strategy/canary");
    List<Integer> weights = new ArrayList<>();
    JsonNode steps = canary.path("steps");
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).has("setWeight")) {
        weights.add(steps.get(i).get("setWeight").asInt());
        if (weights.get(weights.size() - 1) < 100) {
          assertThat(i + 1 < steps.size() && steps.get(i + 1).has("pause"))
              .as("a pause after setWeight " + weights.get(weights.size() - 1)).isTrue();
        }
      }
    }
    assertThat(weights).as("canary steps").isNotEmpty().isSorted().doesNotHaveDuplicates().endsWith(100);

    // Argo turns a weight into pods (nearest whole pod); the assignor turns pods into partitions
    JsonNode c = single(m.engineContainers(rollout));
    int consumersPerPod = option(args(c), "--strategy").orElse("partition").equals("worker") ? 1
        : Integer.parseInt(option(args(c), "--threads").orElse("4"));
    int replicas = rollout.at("/spec/replicas").asInt();
    int partitions = Integer.parseInt(rollout.at("/metadata/annotations").path("kcp.io/partitions").asText("0"));
    assertThat(replicas * consumersPerPod).as("one partition per consumer, none idle").isEqualTo(partitions);
    long firstPods = Math.round(replicas * weights.get(0) / 100.0);
    assertThat(firstPods * consumersPerPod).as("the first step is one partition's worth").isEqualTo(1);

    Set<String> templates = new TreeSet<>();
    m.kind("AnalysisTemplate").forEach(t -> templates.add(name(t)));
    JsonNode analysis = canary.path("analysis");
    assertThat(analysis.path("templates")).as("the Rollout runs an analysis").isNotEmpty();
    Set<String> given = new TreeSet<>();
    analysis.path("args").forEach(a -> given.add(a.path("name").asText()));
    for (JsonNode ref : analysis.path("templates")) {
      String t = ref.path("templateName").asText();
      assertThat(templates).as("AnalysisTemplate " + t + " is in canary.yaml").contains(t);
      m.named("AnalysisTemplate", t).at("/spec/args").forEach(a -> {
        if (!a.has("value") && !a.has("valueFrom")) {
          assertThat(given).as("the Rollout gives " + t + " its argument " + a.path("name").asText())
              .contains(a.path("name").asText());
        }
      });
    }
  }

  @Test
  void canaryAnalysisReadsMetricsTheLibraryExportsForThePodsItMeans() {
    Manifest m = manifests.get("canary.yaml");
    JsonNode exporter = m.kind("Deployment").stream().flatMap(d -> m.containers(d).stream())
        .filter(x -> args(x).size() > 1 && args(x).subList(0, 2).equals(List.of("lag", "watch"))).findFirst()
        .orElseGet(() -> fail("canary.yaml: no `kcp lag watch` exporter for the lag the analysis reads"));
    Exported exported = Exported.collect(!args(exporter).contains("--no-per-partition-series"));
    JsonNode rollout = m.only("Rollout");
    JsonNode c = single(m.engineContainers(rollout));
    String service = option(args(c), "--otel-service-name").orElseGet(() -> fail("no --otel-service-name"));
    Matcher hash = Pattern.compile("(.*)\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(service);
    assertThat(hash.matches()).as("the service name ends with the pod-template hash: " + service).isTrue();
    assertThat(env(c, hash.group(2)).at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.labels['rollouts-pod-template-hash']");
    String jobPrefix = "job=\"" + hash.group(1) + "{{args.";
    String group = option(args(c), "--group").orElseThrow();

    Pattern selector = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)\\}");
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    int checked = 0;
    for (JsonNode t : m.kind("AnalysisTemplate")) {
      for (JsonNode metric : t.at("/spec/metrics")) {
        String query = metric.at("/provider/prometheus/query").asText();
        assertThat(query).as("metric " + metric.path("name").asText() + " has a Prometheus query").isNotBlank();
        Matcher s = selector.matcher(query);
        while (s.find()) {
          String name = s.group(1);
          String labels = s.group(2);
          Set<String> known;
          if (exported.lag().containsKey(name)) {
            known = exported.lagLabels(name);
            assertThat(labels).as(name + " selects the Rollout's group").contains("=\"" + group + "\"");
          } else {
            known = exported.consumerLabels(name);
            assertThat(labels).as(name + " selects pods by the Rollout's service name").contains(jobPrefix);
          }
          assertThat(known).as(name + " is not a series the library exports; it exports " + exported.names()).isNotNull();
          Matcher l = label.matcher(labels);
          while (l.find()) {
            assertThat(known).as("label " + l.group(1) + " of " + name).contains(l.group(1));
          }
          checked++;
        }
      }
    }
    assertThat(checked).as("series the analysis reads").isPositive();
    assertThat(args(exporter)).as("the lag exporter serves Prometheus").contains("--prometheus-port");
    assertThat(option(args(exporter), "--group")).as("the lag exporter watches the Rollout's group").contains(group);
  }

  @Test
  void everyConsumerPodOutlastsTheEngineClose() {
    int pods = 0;
    for (Manifest m : manifests.values()) {
      for (JsonNode w : m.workloads()) {
        JsonNode spec = podSpec(w);
        String where = m.file() + ": " + w.path("kind").asText() + " " + name(w);
        assertThat(spec.has("terminationGracePeriodSeconds")).as(where + " states its grace period").isTrue();
        if (m.engineContainers(w).isEmpty()) {
          continue;
        }
        pods++;
        long preStop = 0;
        for (JsonNode c : m.engineContainers(w)) {
          preStop = Math.max(preStop, preStopSeconds(c, where));
        }
        assertThat(spec.get("terminationGracePeriodSeconds").asLong())
            .as("%s: terminationGracePeriodSeconds >= preStop (%d s) + the engine's close bound (%s:"
                + " max(close %s, drain %s) + slack %s), or SIGKILL cuts the final commit short",
                where, preStop, ENGINE_CLOSE_BOUND, ConsumerEngine.DEFAULT_CLOSE_TIMEOUT,
                EngineConfig.DEFAULT_DRAIN_TIMEOUT, EngineLifecycle.CLOSE_WAIT_SLACK)
            .isGreaterThanOrEqualTo(preStop + ENGINE_CLOSE_BOUND.toSeconds());
      }
    }
    assertThat(pods).as("consumer workloads checked").isGreaterThanOrEqualTo(5);
  }

  @Test
  void everyContainerAsksForWhatItNeeds() {
    for (Manifest m : manifests.values()) {
      for (JsonNode w : m.workloads()) {
        for (JsonNode c : m.containers(w)) {
          String where = m.file() + ": " + name(w) + "/" + c.path("name").asText();
          assertThat(c.at("/resources/requests/cpu").asText()).as(where + " requests cpu").isNotBlank();
          assertThat(c.at("/resources/requests/memory").asText()).as(where + " requests memory").isNotBlank();
          assertThat(c.at("/resources/limits/memory").asText()).as(where + " limits memory").isNotBlank();
        }
      }
    }
  }

  @Test
  void everyConsumerSettingIsOneKafkaKnows() {
    Set<String> known = ConsumerConfig.configNames();
    for (Manifest m : manifests.values()) {
      for (JsonNode cm : m.kind("ConfigMap")) {
        if (cm.at("/metadata/labels").path("kcp.io/config").asText().equals("kafka-consumer")) {
          cm.path("data").fieldNames().forEachRemaining(k -> assertThat(known)
              .as(m.file() + ": ConfigMap " + name(cm) + " key " + k + " is a Kafka consumer config").contains(k));
        }
      }
      for (JsonNode w : m.workloads()) {
        for (JsonNode c : m.engineContainers(w)) {
          Map<String, String> props = m.consumerProperties(c);
          assertThat(known).as(m.file() + ": " + name(w) + " -p keys").containsAll(props.keySet());
          props.forEach((k, v) -> assertThat(v).as(m.file() + ": " + name(w) + " -p " + k + " resolves to a value")
              .doesNotContain("$("));
          if (props.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            assertThat(option(args(c), "--group-protocol").orElse("classic"))
                .as("session.timeout.ms is the classic protocol's; KIP-848's is the broker's").isEqualTo("classic");
          }
          if (props.containsKey(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) {
            long session = Long.parseLong(props.getOrDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000"));
            assertThat(Long.parseLong(props.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)) * 3)
                .as("heartbeat.interval.ms at most a third of session.timeout.ms (Kafka's guidance)")
                .isLessThanOrEqualTo(session);
          }
        }
      }
    }
  }

  // --- the manifests, read as Kubernetes reads them ---------------------------------------------

  /** One file's documents. */
  record Manifest(String file, List<JsonNode> docs) {
    List<JsonNode> kind(String kind) {
      return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
    }

    JsonNode only(String kind) {
      List<JsonNode> all = kind(kind);
      assertThat(all).as(file + ": one " + kind).hasSize(1);
      return all.get(0);
    }

    JsonNode named(String kind, String name) {
      return kind(kind).stream().filter(d -> name(d).equals(name)).findFirst()
          .orElseGet(() -> fail(file + " has no " + kind + " " + name));
    }

    Map<String, String> configMap(String name) {
      Map<String, String> data = new LinkedHashMap<>();
      named("ConfigMap", name).path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
      return data;
    }

    List<JsonNode> workloads() {
      return docs.stream().filter(d -> podSpec(d) != null).toList();
    }

    List<JsonNode> containers(JsonNode workload) {
      List<JsonNode> all = new ArrayList<>();
      podSpec(workload).path("initContainers").forEach(all::add);
      podSpec(workload).path("containers").forEach(all::add);
      return all;
    }

    /** The containers that run a consumer engine: {@code kcp consume}. */
    List<JsonNode> engineContainers(JsonNode workload) {
      return containers(workload).stream()
          .filter(c -> c.path("command").toString().contains("kcp") && args(c).stream().findFirst().orElse("").equals("consume"))
          .toList();
    }

    /** {@code s} with every {@code $(VAR)} replaced as the kubelet would, where this file says how. */
    String resolve(String s, JsonNode container) {
      Matcher v = VAR.matcher(s);
      StringBuilder out = new StringBuilder();
      while (v.find()) {
        String value = envValue(container, v.group(1));
        v.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : v.group()));
      }
      v.appendTail(out);
      return out.toString();
    }

    private String envValue(JsonNode container, String name) {
      for (JsonNode e : container.path("env")) {
        if (e.path("name").asText().equals(name)) {
          if (e.has("value")) {
            return e.get("value").asText();
          }
          JsonNode ref = e.at("/valueFrom/configMapKeyRef");
          return ref.isMissingNode() ? null : configMap(ref.path("name").asText()).get(ref.path("key").asText());
        }
      }
      for (JsonNode from : container.path("envFrom")) {
        JsonNode ref = from.path("configMapRef");
        if (!ref.isMissingNode()) {
          String value = configMap(ref.path("name").asText()).get(name);
          if (value != null) {
            return value;
          }
        }
      }
      return null;
    }

    /** The Kafka consumer properties a {@code kcp consume} container passes with {@code -p KEY=VALUE}. */
    Map<String, String> consumerProperties(JsonNode container) {
      Map<String, String> props = new LinkedHashMap<>();
      List<String> args = args(container);
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String kv = null;
        if ((a.equals("-p") || a.equals("--consumer-property")) && i + 1 < args.size()) {
          kv = args.get(++i);
        } else if (a.startsWith("--consumer-property=")) {
          kv = a.substring("--consumer-property=".length());
        }
        if (kv != null) {
          int eq = kv.indexOf('=');
          assertThat(eq).as(file + ": -p " + kv + " is KEY=VALUE").isPositive();
          props.put(kv.substring(0, eq), resolve(kv.substring(eq + 1), container));
        }
      }
      return props;
    }
  }

  static JsonNode podSpec(JsonNode doc) {
    return switch (doc.path("kind").asText()) {
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout" -> doc.at("/spec/template/spec");
      case "CronJob" -> doc.at("/spec/jobTemplate/spec/template/spec");
      default -> null;
    };
  }

  static String name(JsonNode doc) {
    return doc.at("/metadata/name").asText();
  }

  static List<String> args(JsonNode container) {
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    return args;
  }

  /** The value of {@code --name VALUE} or {@code --name=VALUE}. */
  static Optional<String> option(List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(name) && i + 1 < args.size()) {
        return Optional.of(args.get(i + 1));
      }
      if (args.get(i).startsWith(name + "=")) {
        return Optional.of(args.get(i).substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e;
      }
    }
    return fail("container " + container.path("name").asText() + " has no env " + name);
  }

  static JsonNode single(List<JsonNode> containers) {
    assertThat(containers).as("one kcp consume container").hasSize(1);
    return containers.get(0);
  }

  /** {@code a=b,c=d} as labels. */
  static JsonNode labels(String selector) {
    var node = YAML.createObjectNode();
    for (String kv : selector.split(",")) {
      String[] p = kv.split("=", 2);
      node.put(p[0].trim(), p[1].trim());
    }
    return node;
  }

  /** Whether {@code matchLabels} selects the workload's pods. */
  static boolean selects(JsonNode matchLabels, JsonNode workload) {
    JsonNode podLabels = workload.at("/spec/template/metadata/labels");
    boolean all = matchLabels.size() > 0;
    for (var it = matchLabels.fields(); it.hasNext(); ) {
      var e = it.next();
      all &= podLabels.path(e.getKey()).asText().equals(e.getValue().asText());
    }
    return all;
  }

  /** A preStop hook's delay, if the manifest can bound it (a sleep); anything else fails. */
  static long preStopSeconds(JsonNode container, String where) {
    JsonNode hook = container.at("/lifecycle/preStop");
    if (hook.isMissingNode()) {
      return 0;
    }
    if (hook.has("sleep")) {
      return hook.at("/sleep/seconds").asLong();
    }
    List<String> words = new ArrayList<>();
    hook.at("/exec/command").forEach(w -> words.add(w.asText()));
    String command = String.join(" ", words);
    Matcher sleep = Pattern.compile("^(?:sh -c )?sleep (\\d+)$").matcher(command);
    if (sleep.matches()) {
      return Long.parseLong(sleep.group(1));
    }
    return fail(where + ": a preStop hook whose length the test cannot bound: " + hook);
  }

  static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  // --- what the library exports, as Prometheus names it -----------------------------------------

  /**
   * The series the library's instruments become in Prometheus, with their labels. The consumer's
   * instruments are exported over OTLP and named by Prometheus' OTLP translation (dots become
   * underscores, the unit is a suffix, {@code {annotation}} units add none, a monotonic sum gets
   * {@code _total}, a histogram becomes {@code _bucket}, {@code _sum} and {@code _count}, an
   * up-down counter is a gauge). The lag gauges are served by {@code kcp lag watch
   * --prometheus-port} through OpenTelemetry's Prometheus exporter, which names them the same way
   * (a unit suffix the name already ends with is not repeated: {@code ..._seconds} in {@code s}).
   */
  record Exported(Map<String, Set<String>> consumer, Map<String, Set<String>> lag) {
    /** What the library exports; the lag gauges as a {@code kcp lag watch} with or without per-partition series. */
    static Exported collect(boolean perPartitionLag) {
      Map<String, Set<String>> consumer = new TreeMap<>();
      for (MetricData d : recorded(otel -> {
        ConsumerTelemetry t = ConsumerTelemetry.create(otel, "g", ProducerContext.PARENT);
        TopicPartition tp = new TopicPartition("orders", 0);
        t.consumed(tp, 1);
        t.inFlight(tp, 1);
        t.paused(1);
        t.retried(tp);
        t.deadLettered(tp);
        t.endProcess(Span.getInvalid(), tp, 1_000_000, null);
        t.endProcess(Span.getInvalid(), tp, 1_000_000, new IllegalStateException("failed"));
        t.endCommit(t.startCommit(Map.of(), true), 1_000_000, null);
        return () -> { };
      })) {
        String base = d.getName().replaceAll("[^A-Za-z0-9_:]", "_") + unitSuffix(d.getUnit());
        Set<String> labels = labels(d);
        if (d.getType() == MetricDataType.HISTOGRAM) {
          consumer.put(base + "_bucket", plus(labels, "le"));
          consumer.put(base + "_sum", labels);
          consumer.put(base + "_count", labels);
        } else if (d.getType() == MetricDataType.LONG_SUM && d.getLongSumData().isMonotonic()) {
          consumer.put(base + "_total", labels);
        } else {
          consumer.put(base, labels);
        }
      }
      Map<String, Set<String>> lag = new TreeMap<>();
      for (MetricData d : recorded(otel -> {
        LagMonitor monitor = LagMonitor.builder("g").openTelemetry(otel).perPartitionSeries(perPartitionLag).build();
        monitor.observe(new LagSnapshot("g", "STABLE", "CLASSIC", 1, System.currentTimeMillis(), List.of(
            new PartitionLag("orders", 0, OptionalLong.of(5), 10, Optional.empty(), OptionalLong.of(1_000)))));
        return monitor; // its gauges report until it is closed
      })) {
        String name = d.getName().replaceAll("[^A-Za-z0-9_]", "_");
        String suffix = unitSuffix(d.getUnit());
        lag.put(name.endsWith(suffix) ? name : name + suffix, labels(d));
      }
      return new Exported(consumer, lag);
    }

    Set<String> consumerLabels(String name) {
      Set<String> l = consumer.get(name);
      return l == null ? null : plus(plus(l, "job"), "instance");
    }

    Set<String> lagLabels(String name) {
      Set<String> l = lag.get(name);
      return l == null ? null : plus(plus(l, "job"), "instance");
    }

    Set<String> names() {
      Set<String> all = new TreeSet<>(consumer.keySet());
      all.addAll(lag.keySet());
      return all;
    }

    private static String unitSuffix(String unit) {
      if (unit == null || unit.isEmpty() || unit.startsWith("{")) {
        return "";
      }
      return switch (unit) {
        case "s" -> "_seconds";
        case "ms" -> "_milliseconds";
        case "By" -> "_bytes";
        default -> "_" + unit;
      };
    }

    private static Set<String> labels(MetricData d) {
      Set<String> labels = new TreeSet<>();
      for (PointData p : d.getData().getPoints()) {
        p.getAttributes().forEach((k, v) -> labels.add(k.getKey().replaceAll("[^A-Za-z0-9_]", "_")));
      }
      return labels;
    }

    private static Set<String> plus(Set<String> s, String label) {
      Set<String> more = new TreeSet<>(s);
      more.add(label);
      return more;
    }

    /** Runs {@code use} against a metrics SDK, collects what it recorded, then closes what it returned. */
    private static List<MetricData> recorded(Function<OpenTelemetry, AutoCloseable> use) {
      Reader reader = new Reader();
      try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
          AutoCloseable user = use.apply(new OpenTelemetry() {
          @Override
          public TracerProvider getTracerProvider() {
            return TracerProvider.noop();
          }

          @Override
          public MeterProvider getMeterProvider() {
            return provider;
          }

          @Override
          public ContextPropagators getPropagators() {
            return ContextPropagators.noop();
          }
        })) {
        return new ArrayList<>(reader.registration.collectAllMetrics());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A pull reader: collects when asked. */
  private static final class Reader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
