package io.kcp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kcp.core.CommitPolicy;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.GroupProtocol;
import io.kcp.core.ProducerContext;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineShutdownHook;
import io.kcp.core.EngineState;
import io.kcp.core.MissingTopicPolicy;
import io.kcp.core.RecordHandler;
import io.kcp.core.SingleThreadConsumer;
import io.kcp.deploy.RebalanceRecorder;
import io.kcp.partition.PartitionConfig;
import io.kcp.share.ShareConfig;
import io.kcp.share.ShareMetrics;
import io.kcp.share.ShareStrategy;
import io.kcp.share.ShareStrategyEngine;
import io.kcp.partition.PartitionStrategy;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.Faults;
import io.opentelemetry.api.OpenTelemetry;
import io.kcp.worker.Ordering;
import io.kcp.worker.WorkerConfig;
import io.kcp.worker.WorkerStrategy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kcp consume}: run a consumer strategy, with progress, an optional audit and a summary. */
@Command(
    name = "consume",
    header = "Consume a topic: partition, worker, share or single.",
    mixinStandardHelpOptions = true,
    description = {
      "Consume a topic with a strategy: 'partition' (consumer per thread: --threads consumers in",
      "one group), 'worker' (one poll thread, --concurrency workers, --ordering), 'share' (a share",
      "group: --threads share consumers, --concurrency workers, no order) or 'single' (one",
      "thread, the baseline). Progress each second on stderr, a summary",
      "on stdout. Without --bootstrap-server it starts an embedded broker and first produces the",
      "keyed workload (--records over --keys), then consumes it until drained."
    })
final class ConsumeCommand implements Callable<Integer> {
  /** The strategies {@code --strategy} accepts. */
  enum Strategy { single, partition, worker, share }

  /** The worker strategy's ordering modes, as typed on the command line. */
  enum OrderingOption { naive, partition, key, unordered }

  @Spec CommandSpec spec;
  @Mixin Verbosity verbosity;
  @Mixin BrokerOption broker;
  @Mixin OtelOptions otel;
  @Mixin ClientOptions.WithConsumerAlias client;

  @Option(names = "--strategy", defaultValue = "partition",
      description = "single, partition, worker or share. Default: ${DEFAULT-VALUE}.")
  Strategy strategy;

  @Option(names = "--ordering", defaultValue = "key",
      description = "Worker strategy: naive, partition, key or unordered. Default: ${DEFAULT-VALUE}.")
  OrderingOption ordering;

  @Option(names = "--concurrency", defaultValue = "16",
      description = "Worker and share strategies: workers. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--share-start", defaultValue = "earliest", paramLabel = "earliest|latest",
      description = "Share strategy: where a share group with no position starts (its group config"
          + " share.auto.offset.reset, set at start). Default: ${DEFAULT-VALUE}.")
  String shareStart;

  @Option(names = "--virtual-threads", description = "Worker and share strategies: virtual threads (Java 21+ runtime).")
  boolean virtualThreads;

  @Option(names = "--max-in-flight", defaultValue = "10000",
      description = "Worker strategy: records in flight at which all partitions pause. Default: ${DEFAULT-VALUE}.")
  int maxInFlight;

  @Option(names = "--max-in-flight-per-partition", defaultValue = "1000",
      description = "Worker strategy: backlog at which a partition pauses. Default: ${DEFAULT-VALUE}.")
  int maxInFlightPerPartition;

  @Option(names = "--threads", defaultValue = "4",
      description = "Consumer threads (partition strategy). Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--topic", defaultValue = "kcp-consume", description = "Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--group", defaultValue = "kcp-consume", description = "Consumer group. Default: ${DEFAULT-VALUE}.")
  String group;

  @Option(names = "--handler-latency", defaultValue = "0ms", converter = DurationConverter.class,
      description = "Simulated work per record (a sleep). Default: ${DEFAULT-VALUE}.")
  Duration handlerLatency;

  @Option(names = "--audit", paramLabel = "FILE",
      description = "Append one line per handled record to FILE, for 'kcp audit'.")
  Path audit;

  @Option(names = "--audit-buffered",
      description = "Buffer the --audit lines per thread and write them at the end (no lock, no system call per"
          + " record): for benchmarks; a killed process loses its buffered lines.")
  boolean auditBuffered;

  @Option(names = "--audit-id", paramLabel = "ID",
      description = "The handler id on every audit line (default: the thread that handled the record);"
          + " kcp deploy labels each instance's lines with its version and run.")
  String auditId;

  @Option(names = "--client-id", paramLabel = "ID",
      description = "Client id prefix of the consumers (consumer i is ID-i). Default: kcp-<group>.")
  String clientId;

  @Option(names = "--events", paramLabel = "FILE",
      description = "Append each rebalance callback (assigned, revoked, lost) to FILE, one line each.")
  Path events;

  @Option(names = "--until-drained",
      description = "Stop once the group has no lag on the topic (default with the embedded broker).")
  boolean untilDrained;

  @Option(names = "--duration", converter = DurationConverter.class,
      description = "Stop after this long (e.g. 30s).")
  Duration duration;

  @Option(names = "--until-idle", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Stop once no record was handled for this long, after the first one was (e.g. 2s): the"
          + " end of a live stream, where the lag is 0 between records and --until-drained would stop at once.")
  Duration untilIdle;

  @Option(names = "--group-protocol", defaultValue = "classic",
      description = "classic or consumer (KIP-848). Default: ${DEFAULT-VALUE}.")
  String groupProtocol;

  @Option(names = "--assignor",
      description = "Classic protocol assignor class, for every strategy. Default: cooperative-sticky.")
  String assignor;

  @Option(names = "--static-membership",
      description = "Static membership: consumer i joins as group.instance.id <instance-id>-<i>, so a"
          + " restart gets its partitions back at once.")
  boolean staticMembership;

  @Option(names = "--instance-id", paramLabel = "ID",
      description = "This instance's stable id for static membership (implies --static-membership);"
          + " every running instance of a group needs its own. Default: the host name (in Kubernetes,"
          + " the pod name).")
  String instanceId;

  @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "Worker strategy: how long a revoke waits for the revoked partitions' running"
          + " records. Default: ${DEFAULT-VALUE}.")
  Duration drainTimeout;

  @Option(names = "--commit-interval", defaultValue = "1s", converter = DurationConverter.class,
      description = "Commit at least this often. Default: ${DEFAULT-VALUE}.")
  Duration commitInterval;

  @Option(names = "--commit-every", defaultValue = "1000",
      description = "Commit after this many records per thread. Default: ${DEFAULT-VALUE}.")
  int commitEvery;

  @Option(names = "--missing-topic", defaultValue = "fail",
      description = "fail or wait, when the topic does not exist. Default: ${DEFAULT-VALUE}.")
  String missingTopic;

  @Option(names = "--records", defaultValue = "100000",
      description = "Embedded broker only: records to produce first. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(names = "--keys", defaultValue = "1000",
      description = "Embedded broker only: keys of the workload. Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = "--partitions", defaultValue = "12",
      description = "Embedded broker only: partitions of the topic. Default: ${DEFAULT-VALUE}.")
  int partitions;


  @Option(names = "--json", description = "Print the summary as JSON (snake_case keys).")
  boolean json;

  @Option(names = "--max-attempts", defaultValue = "3",
      description = "Handler attempts per record, counting the first, before the dead-letter topic."
          + " Default: ${DEFAULT-VALUE}.")
  int maxAttempts;

  @Option(names = "--retry-backoff", defaultValue = "200ms", converter = DurationConverter.class,
      description = "First wait before a retry; it doubles, up to --retry-backoff-max. Default: ${DEFAULT-VALUE}.")
  Duration retryBackoff;

  @Option(names = "--retry-backoff-max", defaultValue = "5s", converter = DurationConverter.class,
      description = "Longest wait before a retry. Default: ${DEFAULT-VALUE}.")
  Duration retryBackoffMax;

  @Option(names = "--dlt", paramLabel = "TOPIC",
      description = "Dead-letter topic for records that fail every attempt. Default: <topic>.dlt,"
          + " created when first needed.")
  String dlt;

  @Option(names = "--no-dlt",
      description = "No dead-letter topic: a record that fails every attempt stops the consumer (uncommitted).")
  boolean noDlt;

  @Option(names = "--breaker-wait", defaultValue = "10s", converter = DurationConverter.class,
      description = "Circuit breaker: how long it stays OPEN (partitions paused) before trial records."
          + " Default: ${DEFAULT-VALUE}.")
  Duration breakerWait;

  @Option(names = "--no-breaker", description = "No circuit breaker.")
  boolean noBreaker;

  @Option(names = "--outage-grace", defaultValue = "1m", converter = DurationConverter.class,
      description = "How long after a record's first failure its failures are blamed on an open"
          + " breaker (no attempt used) instead of on the record. Default: ${DEFAULT-VALUE}.")
  Duration outageGrace;

  @Option(names = "--producer-context", defaultValue = "parent",
      description = "parent or link: the process span is the producer span's child, or only linked."
          + " Default: ${DEFAULT-VALUE}.")
  String producerContext;

  @Option(names = "--fail-rate", defaultValue = "0", paramLabel = "RATE",
      description = "Demo: this share of the records (0..1, picked by key and sequence number) makes"
          + " the handler throw, --fail-times times. Default: ${DEFAULT-VALUE}.")
  double failRate;

  @Option(names = "--fail-times", defaultValue = "always", paramLabel = "N|always",
      description = "Demo: how many attempts of a --fail-rate record fail (always = poison). Default: ${DEFAULT-VALUE}.")
  String failTimes;

  @Option(names = "--outage", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Demo: the handler fails every call for this long (a downstream outage), starting"
          + " --outage-after the first record.")
  Duration outage;

  @Option(names = "--outage-after", defaultValue = "2s", converter = DurationConverter.class,
      description = "Demo: when the --outage starts, after the first record. Default: ${DEFAULT-VALUE}.")
  Duration outageAfter;

  @Override
  public Integer call() throws InterruptedException {
    broker.refuseEmbeddedOnly(spec, client, (connection, given) ->
        "produce the workload with 'kcp produce " + connection + " --topic " + topic + " " + given + "' instead");
    Checks.positive("--threads", threads);
    Checks.positive("--commit-every", commitEvery);
    Checks.positive("--concurrency", concurrency);
    Checks.positive("--max-in-flight", maxInFlight);
    Checks.positive("--max-in-flight-per-partition", maxInFlightPerPartition);
    Checks.positive("--max-attempts", maxAttempts);
    if (untilIdle != null && (untilIdle.isNegative() || untilIdle.isZero())) {
      throw new CliException("--until-idle must be above 0 (e.g. 2s), was " + untilIdle.toMillis() + " ms");
    }
    if (failRate < 0 || failRate > 1 || Double.isNaN(failRate)) {
      throw new CliException("--fail-rate must be between 0 and 1 (got " + failRate + "), e.g. 0.01 for 1 %");
    }
    if (dlt != null && noDlt) {
      throw new CliException("--dlt and --no-dlt contradict each other: give one");
    }
    int failCount = parseFailTimes();
    ErrorPolicy errorPolicy = errorPolicy();
    ProducerContext parenting = parseProducerContext();
    GroupProtocol protocol = parseProtocol();
    MissingTopicPolicy missing = parseMissing();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // settings mistakes first, before a broker is started or records produced
    Map<String, String> consumerProperties = client.consumerProperties();
    ConsumerSettings probe = ConsumerSettings.builder().bootstrapServers("localhost:9092").groupId(group)
        .topics(topic).properties(consumerProperties).build();
    EngineConfig probeConfig = engineConfig(probe, protocol, missing, errorPolicy, OpenTelemetry.noop(), parenting);
    if (strategy == Strategy.worker) {
      workerConfig();
    } else if (strategy == Strategy.partition) {
      partitionConfig();
    } else if (strategy == Strategy.share) {
      refuseForShare();
      shareEngine(probeConfig, r -> { });
    }
    OtelOptions.Telemetry telemetry = otel.open(err);
    try (telemetry; BrokerOption.Broker b = broker.open(err, client)) {
      if (b.embedded()) {
        Checks.positive("--records", records);
        err.printf("producing the workload first: %,d records over %,d keys to '%s' (%d partitions)%n",
            records, keys, topic, partitions);
        ProduceCommand.produce(b.clientConfig(), topic, partitions, records, keys,
            telemetry.enabled(), err);
        untilDrained = true;
      }
      ConsumerSettings.Builder sb = ConsumerSettings.builder()
          .bootstrapServers(b.bootstrapServers()).groupId(group).topics(topic)
          .properties(consumerProperties);
      if (clientId != null) {
        sb.clientId(clientId);
      } else {
        client.clientId().ifPresent(sb::clientId);
      }
      ConsumerSettings settings = sb.build();
      try (AuditLog log = audit == null ? null : auditBuffered ? AuditLog.openBuffered(audit) : AuditLog.open(audit)) {
        ConsumerEngine engine = build(settings, handler(log, failCount), protocol, missing, errorPolicy,
            telemetry.openTelemetry(), parenting);
        Thread hook = EngineShutdownHook.install(engine, Duration.ofSeconds(20));
        long t0 = System.nanoTime();
        engine.start();
        try {
          run(engine, b.clientConfig(), err, t0);
        } finally {
          engine.close(Duration.ofSeconds(20));
          removeHook(hook);
        }
        summarize(engine, out, t0);
        if (engine.state() == EngineState.FAILED) {
          throw new CliException("the consumer failed: "
              + engine.failure().map(Errors::describe).orElse("unknown reason"),
              engine.failure().orElse(null)); // the cause: its stack trace with --verbose
        }
      }
    }
    return 0;
  }

  private ErrorPolicy errorPolicy() {
    ErrorPolicy.Builder p = ErrorPolicy.builder().maxAttempts(maxAttempts)
        .backoff(retryBackoff, 2.0, retryBackoffMax).outageGrace(outageGrace);
    if (noDlt) {
      p.noDeadLetterTopic();
    } else if (dlt != null) {
      p.deadLetterTopic(dlt);
    }
    if (noBreaker) {
      p.noCircuitBreaker();
    } else {
      p.circuitBreakerWait(breakerWait);
    }
    try {
      return p.build();
    } catch (io.kcp.core.InvalidSettingsException e) {
      throw new CliException(e.getMessage()
          .replace("maxAttempts", "--max-attempts").replace("backoff", "--retry-backoff"));
    }
  }

  private int parseFailTimes() {
    if (failTimes.equalsIgnoreCase("always")) {
      return Faults.ALWAYS;
    }
    try {
      int n = Integer.parseInt(failTimes);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new CliException("--fail-times must be a positive number or 'always' (got " + failTimes + ")");
  }

  private ProducerContext parseProducerContext() {
    switch (producerContext.toLowerCase(Locale.ROOT)) {
      case "parent":
        return ProducerContext.PARENT;
      case "link":
        return ProducerContext.LINK;
      default:
        throw new CliException("--producer-context must be parent or link (got " + producerContext + ")");
    }
  }

  private RecordHandler<String, String> handler(AuditLog log, int failCount) {
    long sleepMillis = handlerLatency.toMillis();
    int sleepNanos = (int) (handlerLatency.toNanos() % 1_000_000);
    RecordHandler<String, String> work = (ConsumerRecord<String, String> r) -> {
      if (sleepMillis > 0 || sleepNanos > 0) {
        Thread.sleep(sleepMillis, sleepNanos); // the simulated work
      }
    };
    if (failRate > 0) {
      work = Faults.failing(work, failRate, failCount);
    }
    if (outage != null) {
      work = Faults.outage(work, outageAfter, outage);
    }
    if (log == null) {
      return work;
    }
    return auditId == null ? Audit.wrap(work, log) : Audit.wrap(work, log, auditId);
  }

  /** What every strategy shares, from the options; bad values fail here, with their option. */
  private EngineConfig engineConfig(ConsumerSettings settings, GroupProtocol protocol,
      MissingTopicPolicy missing, ErrorPolicy errors, OpenTelemetry otelApi, ProducerContext parenting) {
    EngineConfig.Builder b = EngineConfig.custom(settings)
        .commitPolicy(CommitPolicy.builder().interval(commitInterval).everyRecords(commitEvery).build())
        .groupProtocol(protocol)
        .missingTopics(missing)
        .errorPolicy(errors)
        .openTelemetry(otelApi)
        .producerContext(parenting)
        .drainTimeout(drainTimeout)
        .staticMembership(staticMembership);
    if (events != null) {
      b.listener(RebalanceRecorder.toFile(auditId != null ? auditId : group, events));
    }
    if (assignor != null) {
      b.assignor(assignor);
    }
    if (instanceId != null) {
      b.instanceId(instanceId);
    }
    if (strategy != Strategy.share && settings.properties().containsKey("group.instance.id")) {
      throw new CliException("-p group.instance.id=... would give every consumer thread the same id:"
          + " use --instance-id ID (consumer i joins as ID-i)");
    }
    try {
      return b.build();
    } catch (io.kcp.core.InvalidSettingsException e) {
      throw new CliException(e.getMessage().replace("assignor(...)", "--assignor")
          .replace("drainTimeout", "--drain-timeout").replace("instanceId", "--instance-id"));
    }
  }

  private WorkerConfig workerConfig() {
    try {
      return WorkerConfig.custom()
          .ordering(Ordering.valueOf(ordering.name().toUpperCase(Locale.ROOT)))
          .concurrency(concurrency).virtualThreads(virtualThreads)
          .maxInFlight(maxInFlight).maxInFlightPerPartition(maxInFlightPerPartition)
          .build();
    } catch (io.kcp.core.InvalidSettingsException e) {
      throw new CliException(e.getMessage().replace("virtualThreads(true)", "--virtual-threads"));
    }
  }

  /**
   * Options of the classic strategies that mean nothing to a share group: one line each, naming
   * what a share group has instead.
   */
  private void refuseForShare() {
    var parsed = spec.commandLine().getParseResult();
    String noStatic = "share groups have no static membership: members come and go without a rebalance";
    String noCommits = "a share group has no offsets to commit: each batch's records are acknowledged when the"
        + " last of them is done";
    String oneBatch = "a share member holds one batch at a time: bound it with -p max.poll.records=N";
    Map<String, String> instead = new LinkedHashMap<>();
    instead.put("--ordering", "share groups give no order at all, not per partition, not per key: for"
        + " key order use --strategy worker --ordering key, for partition order --strategy partition");
    instead.put("--static-membership", noStatic);
    instead.put("--instance-id", noStatic);
    instead.put("--group-protocol", "a share consumer speaks the share group protocol");
    instead.put("--assignor", "the broker assigns a share group's partitions; every member may get every partition");
    instead.put("--commit-interval", noCommits);
    instead.put("--commit-every", noCommits);
    instead.put("--max-in-flight", oneBatch);
    instead.put("--max-in-flight-per-partition", oneBatch);
    instead.put("--drain-timeout", "a share group has no revoke to drain: a member that leaves releases"
        + " its records");
    for (Map.Entry<String, String> e : instead.entrySet()) {
      if (parsed.hasMatchedOption(e.getKey())) {
        throw new CliException(e.getKey() + " does not apply to --strategy share: " + e.getValue());
      }
    }
  }

  private ShareConfig shareConfig() {
    try {
      return ShareConfig.custom().members(threads).concurrency(concurrency).virtualThreads(virtualThreads)
          .startFrom(shareStart).build();
    } catch (io.kcp.core.InvalidSettingsException e) {
      throw new CliException(e.getMessage().replace("startFrom", "--share-start")
          .replace("members", "--threads").replace("concurrency", "--concurrency"));
    }
  }

  private ShareStrategyEngine shareEngine(EngineConfig config, RecordHandler<String, String> handler) {
    try {
      return ShareStrategy.of(config, shareConfig(), handler);
    } catch (io.kcp.core.InvalidSettingsException e) {
      throw new CliException(e.getMessage()
          .replace("ShareConfig.startFrom(\"earliest\" or \"latest\")", "--share-start earliest|latest")
          .replace("virtualThreads", "--virtual-threads").replace("staticMembership", "--static-membership"));
    }
  }

  private PartitionConfig partitionConfig() {
    return PartitionConfig.ofThreads(threads); // --threads is checked positive before
  }

  private ConsumerEngine build(ConsumerSettings settings, RecordHandler<String, String> handler,
      GroupProtocol protocol, MissingTopicPolicy missing, ErrorPolicy errors, OpenTelemetry otelApi,
      ProducerContext parenting) {
    EngineConfig config = engineConfig(settings, protocol, missing, errors, otelApi, parenting);
    switch (strategy) {
      case single:
        return SingleThreadConsumer.of(config, handler);
      case worker:
        return WorkerStrategy.of(config, workerConfig(), handler);
      case share:
        return shareEngine(config, handler);
      default:
        return PartitionStrategy.of(config, partitionConfig(), handler);
    }
  }

  /**
   * Watches the engine: samples every 100 ms (so the busy time is measured to 0.1 s), prints
   * progress and checks the group's lag every second. Returns when drained, at --duration, or when
   * the engine stops by itself.
   */
  private void run(ConsumerEngine engine, Map<String, Object> clientConfig, PrintWriter err, long t0)
      throws InterruptedException {
    long deadline = duration == null ? Long.MAX_VALUE : t0 + duration.toNanos();
    long idleNanos = untilIdle == null ? Long.MAX_VALUE : untilIdle.toNanos();
    try (GroupLag lag = new GroupLag(clientConfig, group, topic, strategy == Strategy.share)) {
      long lastHandled = 0;
      long lastPrint = t0;
      long printedHandled = 0;
      while (!engine.state().isTerminal()) {
        Thread.sleep(SAMPLE_MILLIS);
        long now = System.nanoTime();
        EngineMetrics m = engine.metrics();
        if (m.recordsHandled() != lastHandled) {
          if (firstRecordNanos == 0) {
            firstRecordNanos = now;
            handledAtFirst = m.recordsHandled();
          }
          lastHandled = m.recordsHandled();
          lastRecordNanos = now;
        }
        peakInFlight = Math.max(peakInFlight, m.inFlight());
        if (firstRecordNanos != 0 && now - lastRecordNanos >= idleNanos && m.inFlight() == 0) {
          err.println("--until-idle: no record handled for " + untilIdle.toMillis() + " ms");
          return;
        }
        if (now - lastPrint < 1_000_000_000L) {
          continue;
        }
        long totalLag = lag.total();
        err.printf(Locale.ROOT,
            "  %6.1f s  handled %,d  (%,.0f rec/s)  lag %s  assigned %d  consumers %d (idle %d)  %s%s%n",
            (now - t0) / 1e9, m.recordsHandled(),
            (m.recordsHandled() - printedHandled) * 1e9 / (now - lastPrint),
            totalLag < 0 ? "?" : String.format(Locale.ROOT, "%,d", totalLag),
            m.assignedPartitions(), m.consumers(), m.idleConsumers(), engine.state(),
            m.recordsFailed() == 0 && m.pausedPartitions() == 0 ? ""
                : String.format(Locale.ROOT, "  failed %,d  retries %,d  dead-lettered %,d  paused %d",
                    m.recordsFailed(), m.retries(), m.deadLettered(), m.pausedPartitions()));
        err.flush();
        printedHandled = m.recordsHandled();
        lastPrint = now;
        // drained: the group committed up to the log end (for the naive mode that can happen
        // before anything was processed: that is its caveat)
        if (untilDrained && totalLag == 0 && engine.state() == EngineState.RUNNING) {
          err.println("drained: the group has no lag on " + topic);
          return;
        }
        if (now - deadline >= 0) {
          err.println("--duration reached");
          return;
        }
      }
    }
  }

  /** How often the engine's metrics are sampled for the summary's times. */
  private static final long SAMPLE_MILLIS = 10;

  /** When the handled count last moved (nanoTime), for the busy time in the summary. */
  private long lastRecordNanos;
  /** When it first moved, and what it was then: the steady state runs from here. */
  private long firstRecordNanos;
  private long handledAtFirst;
  private long peakInFlight;

  private void summarize(ConsumerEngine engine, PrintWriter out, long t0) {
    EngineMetrics m = engine.metrics();
    // busy time: from start until the last record was seen handled (to 0.1 s), not until the
    // drain was noticed or the engine closed
    double seconds = ((lastRecordNanos > t0 ? lastRecordNanos : System.nanoTime()) - t0) / 1e9;
    int threadCount = strategy == Strategy.single ? 1
        : strategy == Strategy.worker || strategy == Strategy.share ? concurrency : threads;
    String name = strategy == Strategy.worker ? "worker-" + ordering : strategy.name();
    // steady state: from the first sample that saw a record handled to the last that saw one move
    double steady = firstRecordNanos == 0 || lastRecordNanos <= firstRecordNanos ? 0
        : (lastRecordNanos - firstRecordNanos) / 1e9;
    double steadyRate = steady == 0 ? 0 : (m.recordsHandled() - handledAtFirst) / steady;
    long startupMs = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
        - (System.nanoTime() - t0) / 1_000_000;
    long joinMs = firstRecordNanos == 0 ? -1 : (firstRecordNanos - t0) / 1_000_000;
    if (json) {
      ObjectNode o = CliJson.object()
          .put("strategy", name)
          .put("threads", threadCount)
          .put("records_handled", m.recordsHandled())
          .put("records_failed", m.recordsFailed())
          .put("seconds", CliJson.decimal(seconds, 1))
          .put("records_per_second", CliJson.decimal(m.recordsHandled() / seconds, 1))
          .put("commits", m.commits())
          .put("commit_failures", m.commitFailures())
          .put("restarts", m.restarts())
          .put("retries", m.retries())
          .put("dead_lettered", m.deadLettered())
          .put("state", String.valueOf(engine.state()))
          .put("startup_ms", startupMs)
          .put("join_ms", joinMs)
          .put("steady_seconds", CliJson.decimal(steady, 3))
          .put("steady_records_per_second", CliJson.decimal(steadyRate, 1))
          .put("peak_in_flight", peakInFlight)
          .put("peak_heap_mb", CliJson.decimal(peakHeapMb(), 1))
          .put("cpu_seconds", CliJson.decimal(cpuSeconds(), 2));
      shareJson(o, engine);
      out.println(CliJson.line(o));
    } else {
      out.printf(Locale.ROOT, "%s strategy, %d thread(s)/worker(s): handled %,d records in %.1f s (%,.0f rec/s);"
              + " %,d commits (avg %.1f ms), %d failed attempts, %d retries, %d dead-lettered, %d restarts%n",
          name, threadCount, m.recordsHandled(), seconds, m.recordsHandled() / seconds,
          m.commits(), m.commitLatencyAvgMillis(), m.recordsFailed(), m.retries(), m.deadLettered(),
          m.restarts());
      if (engine instanceof ShareStrategyEngine se) {
        ShareMetrics sm = se.shareMetrics();
        out.printf(Locale.ROOT, "share group %s, %d member(s): acknowledged %,d ACCEPT, %,d RELEASE, %,d REJECT;"
                + " %,d lock renewals; %,d redelivered records%n",
            group, se.members(), sm.accepted(), sm.released(), sm.rejected(), sm.renewed(), sm.redelivered());
      }
    }
    out.flush();
  }

  /** The share engine's acknowledgement counts as extra JSON keys (none for the other strategies). */
  private static void shareJson(ObjectNode o, ConsumerEngine engine) {
    if (!(engine instanceof ShareStrategyEngine se)) {
      return;
    }
    ShareMetrics sm = se.shareMetrics();
    o.put("members", se.members())
        .put("accepted", sm.accepted())
        .put("released", sm.released())
        .put("rejected", sm.rejected())
        .put("renewed", sm.renewed())
        .put("redelivered", sm.redelivered())
        .put("acknowledgement_failures", sm.acknowledgementFailures());
  }

  /** The most heap the JVM's heap pools held at once since it started (their peak usage, summed). */
  static double peakHeapMb() {
    long peak = 0;
    for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024.0 * 1024.0);
  }

  /** CPU time this process used so far, all threads, or -1 if the JVM cannot tell. */
  static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      long nanos = sun.getProcessCpuTime();
      return nanos < 0 ? -1 : nanos / 1e9;
    }
    return -1;
  }

  private GroupProtocol parseProtocol() {
    switch (groupProtocol.toLowerCase(Locale.ROOT)) {
      case "classic":
        return GroupProtocol.CLASSIC;
      case "consumer":
        return GroupProtocol.CONSUMER;
      default:
        throw new CliException("--group-protocol must be classic or consumer (got " + groupProtocol + ")");
    }
  }

  private MissingTopicPolicy parseMissing() {
    switch (missingTopic.toLowerCase(Locale.ROOT)) {
      case "fail":
        return MissingTopicPolicy.FAIL;
      case "wait":
        return MissingTopicPolicy.WAIT;
      default:
        throw new CliException("--missing-topic must be fail or wait (got " + missingTopic + ")");
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs and closes the (closed) engine again
    }
  }
}
