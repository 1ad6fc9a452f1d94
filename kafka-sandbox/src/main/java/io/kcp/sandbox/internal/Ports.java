package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Free ports and bind failures. A port picked here is free when picked but another process may
 * take it before the broker binds it, so callers retry a start that fails with
 * {@link #isBindFailure(Throwable)}.
 */
public final class Ports {
  private Ports() {}

  /** Picks {@code count} distinct free ports on the loopback interface. */
  public static int[] pickFree(int count) {
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pick a free port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is released either way
        }
      }
    }
  }

  /**
   * Fails fast if a fixed port is taken now: retrying cannot help, and Kafka would log a fatal
   * error with stack traces for every attempt.
   */
  public static void requireFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new KafkaSandboxException("port " + port + " is taken: " + e.getMessage(), e);
    }
  }

  /** Whether a TCP connection to localhost:port succeeds within the timeout. */
  public static boolean accepts(int port, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether a {@link BindException} (or "Address already in use") is anywhere in the chain. */
  public static boolean isBindFailure(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> pending = new ArrayList<>(List.of(failure));
    while (!pending.isEmpty()) {
      Throwable t = pending.remove(pending.size() - 1);
      if (t == null || !seen.add(t)) {
        continue;
      }
      if (t instanceof BindException || isBindMessage(t.getMessage())) {
        return true;
      }
      pending.add(t.getCause());
      pending.addAll(List.of(t.getSuppressed()));
    }
    return false;
  }

  /** Whether a log or message text reports a port that was already taken. */
  public static boolean isBindMessage(String text) {
    return text != null
        && (text.contains("Address already in use") || text.contains("java.net.BindException"));
  }
}
