package io.kcp.sandbox;

import java.nio.file.Path;
import org.apache.kafka.common.acl.AclOperation;

/**
 * The security of a sandbox started with {@link KafkaSandbox.Builder#secured(boolean)
 * secured(true)}: clients connect over TLS ({@code SASL_SSL}) and log in with SCRAM-SHA-512;
 * Kafka's {@code StandardAuthorizer} refuses everything no ACL allows, except to super users.
 *
 * <p>Every password (users', keystore, truststore) is random, made at start with {@link
 * java.security.SecureRandom}, and written only to files in the sandbox's {@link
 * KafkaSandbox#dataDir() data directory}, which {@link KafkaSandbox#close()} deletes.
 */
public interface SandboxSecurity {

  /** The SASL mechanism of every user, {@code SCRAM-SHA-512}. */
  String MECHANISM = "SCRAM-SHA-512";

  /** The super user the sandbox itself works as; its credential exists from the first start. */
  SandboxUser admin();

  /**
   * Creates a SCRAM-SHA-512 user with a random password through the Admin API, writes its
   * client properties file and returns when the broker accepts its login. The user may do
   * nothing until ACLs allow it ({@link #allowTopic}, {@link #allowGroup}).
   *
   * @param name letters, digits, {@code .}, {@code _} or {@code -}; not an existing user
   * @throws IllegalArgumentException if the name is not allowed or already used
   * @throws KafkaSandboxException if the broker does not take or accept the user
   */
  SandboxUser createUser(String name);

  /**
   * Allows {@code user} the operations on one topic (a literal name) and returns when the broker
   * enforces it. READ and WRITE imply DESCRIBE, as in Kafka.
   *
   * @param operations any of {@link AclOperation#READ}, {@link AclOperation#WRITE}, {@link
   *     AclOperation#DESCRIBE}
   * @throws IllegalArgumentException for another operation or none
   */
  void allowTopic(String user, String topic, AclOperation... operations);

  /**
   * Allows {@code user} to READ a consumer group (join it, commit and fetch its offsets) and
   * returns when the broker enforces it.
   */
  void allowGroup(String user, String group);

  /**
   * The PKCS12 truststore holding the sandbox's certificate authority, which signed the broker's
   * certificate; its password is in every user's client properties file.
   */
  Path truststore();
}
