package io.kcp.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code kcp kafka-consumer-groups ARGS...}: Kafka's own {@code kafka-consumer-groups} tool
 * ({@code ConsumerGroupCommand} of kafka-tools, the version kcp is built with) run in this JVM —
 * the note's way 1 of reading consumer lag, with no Kafka installation. Every argument goes to the
 * tool unchanged, {@code --help} included; what it prints is what the tool prints, and its exit
 * code is kcp's.
 *
 * <p><b>JVM-global state.</b> To capture the tool's output and its {@code Exit.exit}, {@link #run}
 * swaps process-wide settings for the length of the call: {@code Exit.setExitProcedure} (Kafka's
 * {@code org.apache.kafka.common.utils.Exit}, shared by every Kafka client and broker class in the
 * JVM), {@code System.setOut} and {@code System.setErr}; afterwards it puts back the old streams
 * and {@code Exit.resetExitProcedure()}, which restores Kafka's <em>default</em> procedure
 * ({@code System.exit}), not whatever procedure was installed before. In the {@code kcp} process
 * that is fine: nothing else runs there. An in-process caller (a test) must not run it
 * concurrently with other code of the same JVM that may call {@code Exit} — an in-process broker
 * does on a fatal error: during the call that {@code exit} would throw this command's exception in
 * the broker's thread instead of ending the JVM, and a procedure the caller had installed is gone
 * after it — nor with code that prints to {@code System.out}/{@code err} (that output would land in
 * the tool's). Calls of {@link #run} are serialized ({@code synchronized}) only against each other.
 */
@Command(
    name = "kafka-consumer-groups",
    header = "Run Kafka's own kafka-consumer-groups tool, bundled in kcp.",
    description = {
      "Runs Kafka's kafka-consumer-groups tool (ConsumerGroupCommand, kafka-tools) inside kcp:",
      "every argument is passed to it unchanged, so 'kcp kafka-consumer-groups --help' prints",
      "the tool's own options. E.g. --bootstrap-server localhost:19092 --describe --group G.",
      "Exit code: the tool's (1 on bad usage); 1 also when the tool printed 'Error: ...' for a",
      "failed action, where the tool itself would end with 0."
    })
final class KafkaConsumerGroupsCommand implements Callable<Integer> {
  /** The code when the tool printed that its action failed (it returns normally then). */
  static final int EXIT_TOOL_FAILED = 1;

  @Spec CommandSpec spec;

  @Unmatched List<String> args = new ArrayList<>();

  /** What the tool's {@code Exit.exit} throws instead of ending the JVM. */
  private static final class ToolExit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    ToolExit(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  @Override
  public Integer call() {
    return run(args.toArray(new String[0]), spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Runs the tool with {@code args}; its {@code System.out} and {@code System.err} go to {@code out}
   * and {@code err}. The tool ends with {@code Exit.exit(code)} on bad usage or {@code --help}:
   * that becomes the returned code instead of the end of the JVM.
   */
  static synchronized int run(String[] args, PrintWriter out, PrintWriter err) {
    FailureWatch watch = new FailureWatch();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    PrintStream toolOut = new PrintStream(new WriterStream(out, watch), true, StandardCharsets.UTF_8);
    PrintStream toolErr = new PrintStream(new WriterStream(err, watch), true, StandardCharsets.UTF_8);
    Exit.setExitProcedure((code, message) -> {
      throw new ToolExit(code);
    });
    System.setOut(toolOut);
    System.setErr(toolErr);
    try {
      ConsumerGroupCommand.main(args);
      // the tool reports a failed action ("Error: Executing consumer group command failed due to
      // ...") and returns normally; a script needs a non-zero code for it
      return watch.failed ? EXIT_TOOL_FAILED : 0;
    } catch (ToolExit e) {
      return e.code;
    } catch (RuntimeException e) {
      if (e.getClass().getName().startsWith("joptsimple.")) { // an option the tool does not know
        throw new CliException(e.getMessage() + ": see 'kcp kafka-consumer-groups --help' for the tool's options", e);
      }
      throw e;
    } finally {
      toolOut.close();
      toolErr.close();
      System.setOut(oldOut);
      System.setErr(oldErr);
      Exit.resetExitProcedure();
      out.flush();
      err.flush();
    }
  }

  /** Whether the tool said its action failed (it prints that line on stdout). */
  private static final class FailureWatch {
    volatile boolean failed;
  }

  /** Bytes to a writer, decoded as UTF-8 line by line (the tool prints text). */
  private static final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final FailureWatch watch;
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

    WriterStream(PrintWriter writer, FailureWatch watch) {
      this.writer = writer;
      this.watch = watch;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    /** Partial lines wait for their end (or for close), so a line is judged whole. */
    @Override
    public void flush() {}

    @Override
    public void close() {
      emit();
    }

    private void emit() {
      String text = line.toString(StandardCharsets.UTF_8);
      if (text.startsWith("Error: ")) {
        watch.failed = true;
      }
      writer.write(text);
      line.reset();
      writer.flush();
    }
  }
}
