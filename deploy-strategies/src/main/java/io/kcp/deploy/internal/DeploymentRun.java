package io.kcp.deploy.internal;

import io.kcp.audit.AuditEntry;
import io.kcp.audit.AuditFiles;
import io.kcp.audit.AuditReport;
import io.kcp.audit.Traffic;
import io.kcp.core.EngineListener;
import io.kcp.deploy.DeploymentConfig;
import io.kcp.deploy.DeploymentException;
import io.kcp.deploy.DeploymentReport;
import io.kcp.deploy.DeploymentStep;
import io.kcp.deploy.InstanceContext;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.PhaseReport;
import io.kcp.deploy.RebalanceEvent;
import io.kcp.deploy.RunningInstance;
import io.kcp.deploy.Version;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One measured deployment run, and the moves every strategy is made of: start an instance of a
 * version in a slot, stop one, wait until one is ready (a member of the group owning partitions)
 * or the lag recovered or the group emptied. It owns the traffic, the sampler and the fleet, and
 * at the end drains, stops everything and measures: the report is computed from the audit files,
 * the lag samples and the instances' rebalance callbacks.
 */
public final class DeploymentRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeploymentRun.class);
  private static final long WAIT_NANOS = 50_000_000L;

  private final DeploymentConfig config;
  private final InstanceLauncher launcher;
  private final String strategy;
  private final Sampler sampler;
  private final List<RunningInstance> fleet = new ArrayList<>(); // running now, oldest first
  private final List<String> slots = new ArrayList<>();
  private final List<RunningInstance> started = new ArrayList<>();
  private final List<DeploymentStep> steps = new ArrayList<>();
  private final List<long[]> phases = new ArrayList<>(); // start, end per phase
  private final List<String[]> phaseVersions = new ArrayList<>();
  private final Map<String, Integer> runs = new TreeMap<>();
  private final Map<RunningInstance, Long> auditMarks = new java.util.IdentityHashMap<>();
  private final Map<RunningInstance, long[]> lifetimes = new java.util.IdentityHashMap<>(); // up, down
  private final List<Cutover> cutovers = new ArrayList<>();
  private String outcome = "deployed";
  private String outcomeDetail = "";
  private OffsetHandOff handOff;
  private java.util.function.BiFunction<Version, InstanceContext, InstanceContext> membership = (v, c) -> c;
  private DeploymentReport.Canary canary;
  private Traffic traffic;
  private String phase = "start";
  private long warmStart;
  private boolean closed;

  public DeploymentRun(DeploymentConfig config, InstanceLauncher launcher, String strategy) {
    this.config = config;
    this.launcher = launcher;
    this.strategy = strategy;
    this.sampler = new Sampler(config.clientConfig(), config.group(), config.topic(), config.sampleInterval());
  }

  /** The config. */
  public DeploymentConfig config() {
    return config;
  }

  /**
   * Starts the sampler, the traffic and {@code instances} instances of {@code from}, waits until
   * each is ready and the lag recovered, then holds the fleet steady for the warm-up.
   */
  public void begin(Version from) {
    try {
      Files.createDirectories(config.workDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + config.workDir(), e);
    }
    sampler.start();
    if (sampler.latest().partitions().isEmpty()) {
      throw new DeploymentException("topic " + config.topic() + " has no partitions on "
          + config.bootstrapServers() + ": create it first");
    }
    traffic = Traffic.start(config.clientConfig(), config.topic(), config.keys(), config.rate());
    for (int i = 0; i < config.instances(); i++) {
      slots.add("i" + i);
      RunningInstance instance = start(from, "i" + i);
      awaitReady(instance);
    }
    awaitRecovered();
    warmStart = System.currentTimeMillis();
    hold(config.warmUp());
  }

  /** The partitions of the topic. */
  public int partitions() {
    return sampler.latest().partitions().size();
  }

  /** The slots of the fleet, in order. */
  public List<String> slots() {
    return List.copyOf(slots);
  }

  /** The oldest instance running in {@code slot}, if any. */
  public Optional<RunningInstance> inSlot(String slot) {
    return fleet.stream().filter(i -> i.context().slot().equals(slot)).findFirst();
  }

  /** Marks the start of a phase ({@code rollout}, {@code rollback}) from one version to another. */
  public void startPhase(String name, Version from, Version to) {
    phase = name;
    phases.add(new long[] {System.currentTimeMillis(), -1});
    phaseVersions.add(new String[] {name, from.name(), to.name()});
  }

  /** Marks the end of the current phase: its last step is done and the lag recovered. */
  public void endPhase() {
    phases.get(phases.size() - 1)[1] = System.currentTimeMillis();
    step("done");
  }

  /** Starts an instance of {@code version} in {@code slot} (the slot's run number goes up). */
  public RunningInstance start(Version version, String slot) {
    return start(version, slot, config.group());
  }

  /** Starts an instance of {@code version} in {@code slot}, a member of {@code group}. */
  public RunningInstance start(Version version, String slot, String group) {
    RunningInstance instance = launcher.start(version, context(version, slot, group));
    track(instance);
    step("started " + instance.context().runId());
    return instance;
  }

  /**
   * Starts an instance of {@code version} in {@code slot} warm but not consuming, for {@code
   * group}; returns once it is warm.
   */
  public RunningInstance standby(Version version, String slot, String group) {
    RunningInstance instance = launcher.standby(version, context(version, slot, group));
    track(instance);
    step("standby " + instance.context().runId() + " (warm, not consuming)");
    return instance;
  }

  private InstanceContext context(Version version, String slot, String group) {
    int n = runs.merge(version.name() + "-" + slot, 1, Integer::sum);
    String runId = version.name() + "-" + slot + "-" + n;
    return membership.apply(version, InstanceContext.of(version.name(), slot, runId, config.bootstrapServers(),
        group, config.topic(), config.workDir().resolve(runId + ".tsv"), config.workDir().resolve(runId + ".events"),
        EngineListener.noop()).withClientProperties(config.clientProperties()));
  }

  private void track(RunningInstance instance) {
    started.add(instance);
    fleet.add(instance);
    auditMarks.put(instance, 0L);
    lifetimes.put(instance, new long[] {System.currentTimeMillis(), Long.MAX_VALUE});
  }

  /** Makes these (standby) instances consume, all at once. */
  public void activateAll(List<RunningInstance> instances) {
    for (RunningInstance i : instances) {
      auditMarks.put(i, auditSize(i.context().auditFile()));
    }
    instances.parallelStream().forEach(RunningInstance::activate);
    for (RunningInstance i : instances) {
      step("activated " + i.context().runId());
    }
  }

  /** Makes these instances stop consuming (drain, commit, leave) but stay warm, all at once. */
  public void deactivateAll(List<RunningInstance> instances) {
    instances.parallelStream().forEach(i -> i.deactivate(config.stopGrace()));
    for (RunningInstance i : instances) {
      step("deactivated " + i.context().runId() + " (drained, committed, left; warm)");
    }
  }

  /**
   * How every instance started from now on joins its group: the function gets the version and
   * the plain context and returns the context to start with (a canary's role and assignor).
   */
  public void membership(java.util.function.BiFunction<Version, InstanceContext, InstanceContext> membership) {
    this.membership = java.util.Objects.requireNonNull(membership, "membership");
  }

  /** The canary's steps and verdict, for the report. */
  public void canary(DeploymentReport.Canary canary) {
    this.canary = canary;
  }

  /** The lag samples so far. */
  public List<LagSnapshot> samples() {
    return sampler.samples();
  }

  /**
   * Waits until {@code instance} joined: its consumers were given an assignment (possibly none)
   * since it was started, and the group is stable. For instances that may own nothing (a stable
   * instance while the canary owns every partition) or stall at once (a bad canary).
   */
  public void awaitJoined(RunningInstance instance) {
    await("joined " + instance.context().runId(), config.readyTimeout(), () -> {
      if (!instance.alive()) {
        throw new DeploymentException(instance + " stopped before it joined");
      }
      return instance.events().stream().anyMatch(e -> e.kind() == RebalanceEvent.Kind.ASSIGNED)
          && "STABLE".equalsIgnoreCase(sampler.snapshot().state());
    });
    step("joined " + instance.context().runId());
  }

  /** Samples {@code group} from now on, as the application's group (the one consuming). */
  public void follow(String group) {
    sampler.follow(group);
    step("following group " + group);
  }

  /** The Admin hand-off of committed offsets between groups (made on first use). */
  public OffsetHandOff handOff() {
    if (handOff == null) {
      handOff = new OffsetHandOff(config.clientConfig(), config.topic());
    }
    return handOff;
  }

  /** Records a cut-over: below it {@code from} handled the records, at or above it {@code to}. */
  public void cutover(Version from, Version to, Map<Integer, Long> offsets) {
    cutovers.add(new Cutover(from.name(), to.name(), Map.copyOf(offsets)));
    step("cut-over " + from + " -> " + to + " at " + new TreeMap<>(offsets));
  }

  /**
   * How the deployment ended: {@code deployed}, {@code rolled_back} or {@code switch_failed}, and
   * a sentence saying why (default: deployed).
   */
  public void outcome(String outcome, String detail) {
    this.outcome = outcome;
    this.outcomeDetail = detail;
    step(outcome.replace('_', ' ') + ": " + detail);
  }

  /** One cut-over: the offsets per partition at which {@code to} took over from {@code from}. */
  record Cutover(String from, String to, Map<Integer, Long> offsets) {}

  /** Stops these instances gracefully, all at once (a scale to zero), and takes them out of the fleet. */
  public void stopAll(List<RunningInstance> instances) {
    instances.parallelStream().forEach(i -> i.stop(config.stopGrace()));
    for (RunningInstance i : instances) {
      down(i);
      fleet.remove(i);
      step("stopped " + i.context().runId());
    }
  }

  /** Stops {@code instance} gracefully and takes it out of the fleet. */
  public void stop(RunningInstance instance) {
    instance.stop(config.stopGrace());
    down(instance);
    fleet.remove(instance);
    step("stopped " + instance.context().runId());
  }

  private void down(RunningInstance instance) {
    long[] life = lifetimes.get(instance);
    if (life != null && life[1] == Long.MAX_VALUE) {
      life[1] = System.currentTimeMillis();
    }
  }

  /**
   * Waits until {@code instance} is ready: it handled a record since it was started or activated
   * (so it joined, got partitions and polls: its audit file grew) and the group is stable. (The group's own view of who
   * owns what is not enough: a static member that takes its predecessor's place without a
   * rebalance keeps the predecessor's client id there.)
   *
   * @throws DeploymentException if it died or is not ready within the ready timeout
   */
  public void awaitReady(RunningInstance instance) {
    Path audit = instance.context().auditFile();
    long mark = auditMarks.getOrDefault(instance, 0L);
    await("ready " + instance.context().runId(), config.readyTimeout(), () -> {
      if (!instance.alive()) {
        throw new DeploymentException(instance + " stopped before it was ready");
      }
      return auditSize(audit) > mark && "STABLE".equalsIgnoreCase(sampler.snapshot().state());
    });
    step("ready " + instance.context().runId());
  }

  private static long auditSize(Path audit) {
    try {
      return Files.exists(audit) ? Files.size(audit) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Waits until the group's total lag is at or below the recovered lag. */
  public void awaitRecovered() {
    await("lag at or below " + config.recoveredLag(), config.readyTimeout(),
        () -> sampler.snapshot().totalLag() <= config.recoveredLag());
    step("lag recovered");
  }

  /** Waits until the group is stable (no rebalance under way). */
  public void awaitStable() {
    await("the group to be stable", config.readyTimeout(),
        () -> "STABLE".equalsIgnoreCase(sampler.snapshot().state()));
  }

  /** Waits until the group has no member (every instance left or its session expired). */
  public void awaitEmpty() {
    await("the group to be empty", config.readyTimeout(), () -> sampler.snapshot().members() == 0);
    step("group empty");
  }

  /** The group's committed offset per partition now (of the group followed). */
  public Map<Integer, Long> committedOffsets() {
    Map<Integer, Long> out = new TreeMap<>();
    for (PartitionLag p : sampler.snapshot().partitions()) {
      p.committedOffset().ifPresent(o -> out.put(p.partition(), o));
    }
    return out;
  }

  /** Records a step and tells the listener. */
  public void step(String what) {
    DeploymentStep s = new DeploymentStep(System.currentTimeMillis(), phase, what);
    steps.add(s);
    config.listener().onStep(s, List.copyOf(fleet));
  }

  private void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new DeploymentException("timed out after " + timeout + " waiting for " + what
            + " (group " + config.group() + ": " + describe(sampler::snapshot) + ")");
      }
      LockSupport.parkNanos(WAIT_NANOS);
    }
  }

  private static String describe(Supplier<LagSnapshot> snapshot) {
    try {
      LagSnapshot s = snapshot.get();
      return s.state() + ", " + s.members() + " member(s), total lag " + s.totalLag();
    } catch (RuntimeException e) {
      return "not readable: " + e.getMessage();
    }
  }

  /** The measuring period itself: the fleet runs, the traffic flows. */
  private static void hold(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() - end < 0) {
      LockSupport.parkNanos(end - System.nanoTime());
    }
  }

  /**
   * Settles, stops the traffic, waits until the group followed consumed and committed everything,
   * stops the fleet (standby instances too), and measures.
   */
  public DeploymentReport finish() {
    phase = "finish";
    hold(config.settle());
    long produced = traffic.stop();
    step("traffic stopped after " + produced + " records");
    await("the group to consume everything produced", config.drainTimeout(), () -> sampler.snapshot()
        .partitions().stream().allMatch(p -> p.committedOffset().orElse(-1) == p.logEndOffset()));
    step("drained");
    List<RebalanceEvent> events = new ArrayList<>();
    for (RunningInstance i : started) {
      if (i.alive()) {
        stop(i);
      } else {
        down(i);
      }
    }
    for (RunningInstance i : started) {
      events.addAll(i.events());
    }
    if (handOff != null) {
      handOff.close();
    }
    sampler.close();
    closed = true;
    List<Path> files = new ArrayList<>();
    for (RunningInstance i : started) {
      if (Files.exists(i.context().auditFile())) {
        files.add(i.context().auditFile());
      }
    }
    AuditReport audit = AuditReport.of(config.clientConfig(), config.topic(), files);
    List<AuditEntry> entries = AuditFiles.read(files).entries();
    List<LagSnapshot> samples = sampler.samples();
    List<PhaseReport> measured = new ArrayList<>();
    for (int p = 0; p < phases.size(); p++) {
      String[] v = phaseVersions.get(p);
      long start = phases.get(p)[0];
      long end = phases.get(p)[1];
      measured.add(Measure.phase(v[0], v[1], v[2], start, end, warmStart, entries, samples, events,
          peakRunning(start, end)));
    }
    long cutoverViolations = Measure.cutoverViolations(cutovers, entries);
    return new DeploymentReport(strategy, config.variant(), config.instances(), partitions(samples),
        config.rate(), audit.produced(), audit.lost(), audit.duplicates(), Measure.keyOrderViolations(entries),
        measured.get(0),
        measured.size() > 1 ? measured.get(1) : null, cutovers.isEmpty() ? Map.of() : cutovers.get(0).offsets(),
        cutovers.size() > 1 ? cutovers.get(1).offsets() : Map.of(), cutoverViolations, outcome, outcomeDetail,
        canary, steps, Measure.lagSeries(samples), Measure.ratesByVersion(entries), started.stream()
            .map(i -> i.context().auditFile()).toList());
  }

  /** The most instances up at once (consuming or warm) within [start, end]. */
  private int peakRunning(long start, long end) {
    List<long[]> edges = new ArrayList<>();
    for (long[] life : lifetimes.values()) {
      if (life[1] < start || life[0] > end) {
        continue;
      }
      edges.add(new long[] {Math.max(life[0], start), 1});
      edges.add(new long[] {Math.min(life[1], end), -1});
    }
    return Measure.peakOverlap(edges);
  }

  private static int partitions(List<LagSnapshot> samples) {
    return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).partitions().size();
  }

  /** Stops whatever still runs (after a failure): the traffic, the instances, the sampler. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (traffic != null) {
      try {
        traffic.close();
      } catch (RuntimeException e) {
        LOG.warn("stopping the traffic failed: {}", e.toString());
      }
    }
    for (RunningInstance i : started) {
      try {
        if (i.alive()) {
          i.stop(config.stopGrace());
        }
      } catch (RuntimeException e) {
        LOG.warn("stopping {} failed: {}", i, e.toString());
      }
    }
    sampler.close();
    if (handOff != null) {
      handOff.close();
    }
  }
}
