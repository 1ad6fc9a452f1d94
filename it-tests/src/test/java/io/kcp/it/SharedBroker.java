package io.kcp.it;

import io.kcp.sandbox.KafkaSandbox;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a running single-node broker, started once for the whole suite (so no class pays
 * the 2–3 s start) and closed when the suite ends. Tests share it, so each must use its own
 * topics and groups: {@link #uniqueName(String)}.
 *
 * <p>Tests that kill, stop or restart a broker must start their own sandbox instead.
 *
 * <pre>{@code
 * @ExtendWith(SharedBroker.class)
 * class MyTest {
 *   @Test void works(KafkaSandbox kafka) { ... }
 * }
 * }</pre>
 */
public final class SharedBroker implements ParameterResolver {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaSandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    return store
        .getOrComputeIfAbsent(Holder.class, k -> new Holder(KafkaSandbox.builder().start()), Holder.class)
        .sandbox;
  }

  /** A name no other test in this suite run uses: {@code prefix-N}. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet();
  }

  /** Closes the shared broker when the root context closes (end of the suite). */
  private static final class Holder implements ExtensionContext.Store.CloseableResource {
    final KafkaSandbox sandbox;

    Holder(KafkaSandbox sandbox) {
      this.sandbox = sandbox;
    }

    @Override
    public void close() {
      sandbox.close();
    }
  }
}
