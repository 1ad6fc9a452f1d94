package io.kcp.worker.wiring;

import dagger.MapKey;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Keys a workers binding by whether it runs virtual threads. */
@MapKey
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface VirtualThreadsKey {
  /** Whether the workers are virtual threads. */
  boolean value();
}
