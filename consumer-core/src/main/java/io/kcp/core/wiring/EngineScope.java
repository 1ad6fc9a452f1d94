package io.kcp.core.wiring;

import jakarta.inject.Scope;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * One engine (or one poll loop): a component is made per engine, and the bindings in this scope —
 * its life cycle, ledger, runner, committer, telemetry — exist once in it, shared by the parts
 * that need them.
 */
@Scope
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface EngineScope {}
