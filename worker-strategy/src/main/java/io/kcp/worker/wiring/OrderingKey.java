package io.kcp.worker.wiring;

import dagger.MapKey;
import io.kcp.worker.Ordering;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Keys a dispatcher binding by the ordering mode it implements. */
@MapKey
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface OrderingKey {
  /** The ordering mode. */
  Ordering value();
}
