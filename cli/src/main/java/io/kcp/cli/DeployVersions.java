package io.kcp.cli;

import io.kcp.core.ConsumerSettings;
import io.kcp.core.EngineConfig;
import io.kcp.core.GroupProtocol;
import io.kcp.core.RecordHandler;
import io.kcp.core.ErrorPolicy;
import io.kcp.deploy.CanaryAssignor;
import io.kcp.deploy.InstanceContext;
import io.kcp.deploy.InstanceRecipe;
import io.kcp.deploy.Version;
import io.kcp.partition.PartitionConfig;
import io.kcp.partition.PartitionStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.RangeAssignor;

/**
 * The demo pair of {@code kcp deploy} (and of the deployment tests): versions {@code v1} and
 * {@code v2} of one consumer
 * application — the consumer-per-thread strategy, a handler that takes {@code latency} per record
 * — joining their group the way the variant says. An instance runs in this JVM or as a {@code kcp
 * consume} process; either way its audit lines carry its run id, its consumers' client ids start
 * with it, and it reports its rebalances.
 */
public final class DeployVersions {
  /** How the instances join their group. */
  public enum Variant {
    /** Classic protocol, eager range assignor: every partition stops at every rebalance. */
    EAGER,
    /** Classic protocol, cooperative-sticky assignor: only the moving partitions stop. */
    COOPERATIVE,
    /** Cooperative, plus static membership: a replacement reuses its slot's group.instance.id. */
    STATIC,
    /** KIP-848's consumer protocol: the broker assigns, one member at a time. */
    KIP848;

    /** As typed on the command line: eager, cooperative, static, kip848. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private DeployVersions() {}

  /**
   * A version of the demo application.
   *
   * @param name the version's name, e.g. {@code v1}
   * @param bootstrap the cluster
   * @param variant how its instances join the group
   * @param threads consumer threads per instance
   * @param latency the handler's simulated work per record
   * @param properties more consumer properties, e.g. {@code session.timeout.ms} or a secured
   *     cluster's settings; typed values are taken as {@code ConsumerSettings} takes them
   */
  public static Version of(String name, String bootstrap, Variant variant, int threads, Duration latency,
      Map<String, ?> properties) {
    return of(name, bootstrap, variant, threads, latency, properties, 0);
  }

  /**
   * A version of the demo application whose handler fails a share of the records — the same
   * records every time (chosen by topic, partition and offset), so a retry does not help: a bad
   * release.
   *
   * @param failShare the share of records its handler throws on, 0 to 1 ({@code kcp deploy
   *     --bad-version} gives v2 0.2)
   */
  public static Version of(String name, String bootstrap, Variant variant, int threads, Duration latency,
      Map<String, ?> properties, double failShare) {
    return Version.of(name, new InstanceRecipe() {
      /** The properties for the JVM launcher's children, written once (owner-only), not on their argv. */
      private Path childConfig;
      @Override
      public io.kcp.core.ConsumerEngine engine(InstanceContext ctx) {
        ConsumerSettings.Builder s = ConsumerSettings.builder().bootstrapServers(bootstrap)
            .groupId(ctx.group()).topics(ctx.topic()).clientId(ctx.runId());
        s.properties(properties);
        s.pluginProperties(ctx.groupProperties());
        EngineConfig.Builder c = EngineConfig.custom(s.build()).listener(ctx.listener());
        boolean assignorGiven = ctx.groupProperties().containsKey("partition.assignment.strategy");
        switch (variant) {
          case EAGER -> {
            if (!assignorGiven) {
              c.assignor(RangeAssignor.class.getName());
            }
          }
          case STATIC -> c.instanceId(ctx.slot());
          case KIP848 -> c.groupProtocol(GroupProtocol.CONSUMER);
          default -> { }
        }
        if (ctx.role() == CanaryAssignor.Role.CANARY) {
          // a canary never dead-letters: a record it cannot handle stays uncommitted for the
          // stable version, which handles it after a rollback
          c.errorPolicy(ErrorPolicy.builder().maxAttempts(Integer.MAX_VALUE)
              .backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)).noDeadLetterTopic().build());
        }
        return PartitionStrategy.of(c.build(), PartitionConfig.ofThreads(threads),
            ctx.audited(work(latency, failShare)));
      }

      @Override
      public List<String> command(InstanceContext ctx) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-cp",
            System.getProperty("java.class.path"), Kcp.class.getName(), "consume",
            "-b", bootstrap, "--topic", ctx.topic(), "--group", ctx.group(), "--strategy", "partition",
            "--threads", String.valueOf(threads), "--handler-latency", latency.toMillis() + "ms",
            "--audit", ctx.auditFile().toString(), "--audit-id", ctx.runId(), "--client-id", ctx.runId(),
            "--events", ctx.eventsFile().toString()));
        switch (variant) {
          case EAGER -> cmd.addAll(List.of("--assignor", RangeAssignor.class.getName()));
          case STATIC -> cmd.addAll(List.of("--instance-id", ctx.slot()));
          case KIP848 -> cmd.addAll(List.of("--group-protocol", "consumer"));
          default -> { }
        }
        if (!properties.isEmpty()) {
          // in a file, not as -p K=V: a password would be on the child's command line for ps to show
          synchronized (this) {
            if (childConfig == null) {
              childConfig = ChildConfig.write(properties);
            }
          }
          cmd.addAll(List.of("--command-config", childConfig.toString()));
        }
        if (failShare > 0) {
          cmd.addAll(List.of("--fail-rate", String.valueOf(failShare), "--fail-times", "always"));
        }
        return cmd;
      }
    });
  }

  private static RecordHandler<String, String> work(Duration latency, double failShare) {
    long millis = latency.toMillis();
    long failBelow = (long) (failShare * 1_000_000);
    return r -> {
      if (millis > 0) {
        Thread.sleep(millis); // the simulated work
      }
      if (failBelow > 0 && Math.floorMod(java.util.Objects.hash(r.topic(), r.partition(), r.offset()) * 2654435761L,
          1_000_000L) < failBelow) {
        throw new IllegalStateException("bad release: cannot handle " + r.topic() + "-" + r.partition() + "@" + r.offset());
      }
    };
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
