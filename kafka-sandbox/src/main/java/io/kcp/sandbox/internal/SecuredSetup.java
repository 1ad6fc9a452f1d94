package io.kcp.sandbox.internal;

import io.kcp.sandbox.KafkaSandboxException;
import io.kcp.sandbox.SandboxSecurity;
import io.kcp.sandbox.SandboxUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A secured sandbox's certificates, users and ACLs.
 *
 * <ul>
 *   <li>The client listener is {@code SASL_SSL} with SCRAM-SHA-512 only; brokers talk to each
 *       other over it too, as the super user {@value #ADMIN}.
 *   <li>The controller listener is {@code SSL} with {@code ssl.client.auth=required}: a caller
 *       needs a certificate the sandbox's CA signed, and only the broker keystore holds one (the
 *       CA's key is deleted after signing). The brokers registering and heart-beating there are
 *       {@code User:CN=localhost}, the broker certificate's subject, a super user.
 *   <li>{@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}.
 *   <li>{@value #ADMIN}'s SCRAM credential is written by {@code kafka-storage format
 *       --add-scram}, so it can log in from the first start; further users come through {@code
 *       Admin.alterUserScramCredentials}.
 * </ul>
 */
public final class SecuredSetup implements SandboxSecurity {
  /** The super user's name. */
  public static final String ADMIN = "admin";

  private static final int ITERATIONS = 8192;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Set<AclOperation> TOPIC_OPERATIONS =
      EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);

  private final Path clientsDir;
  private final Tls tls;
  private final String adminPassword = Secrets.password();
  private final Map<String, SandboxUser> users = new ConcurrentHashMap<>();
  private volatile String bootstrap;
  private volatile Supplier<Admin> admin;

  private SecuredSetup(Path root, Tls tls) {
    this.clientsDir = root.resolve("clients");
    this.tls = tls;
  }

  /** Makes the certificates under {@code root/tls} and picks the super user's password. */
  public static SecuredSetup create(Path root) {
    return new SecuredSetup(root, Tls.generate(root.resolve("tls")));
  }

  /** The principal of the brokers on the controller listener: their certificate's subject. */
  public static final String BROKER_PRINCIPAL = "User:" + Tls.BROKER_SUBJECT;

  /**
   * Settings of a secured node whose SASL_SSL listener is named {@code listener} and whose SSL
   * controller listener {@code controllerListener}.
   */
  Map<String, String> nodeProperties(String listener, String controllerListener) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("sasl.enabled.mechanisms", MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    // the server side needs no credentials; the inter-broker client logs in as the super user
    p.put(
        "listener.name." + listener.toLowerCase(Locale.ROOT) + "."
            + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        jaas(ADMIN, adminPassword));
    p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.keystore().toString());
    p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, Tls.STORE_TYPE);
    p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.keystorePassword());
    p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, Tls.STORE_TYPE);
    p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.truststorePassword());
    p.put(
        "listener.name." + controllerListener.toLowerCase(Locale.ROOT)
            + ".ssl.client.auth",
        "required");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN + ";" + BROKER_PRINCIPAL);
    p.put("allow.everyone.if.no.acl.found", "false");
    return p;
  }

  /** {@code kafka-storage format} arguments that create the super user's credential. */
  List<String> formatArguments() {
    return List.of(
        "--add-scram", MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]");
  }

  /** What to mask in error messages. */
  List<String> secrets() {
    return List.of(adminPassword, tls.keystorePassword(), tls.truststorePassword());
  }

  /** The super user's client settings without {@code bootstrap.servers}. */
  Map<String, Object> adminClientConfig() {
    return new LinkedHashMap<>(clientSettings(ADMIN, adminPassword));
  }

  /**
   * Called once the brokers listen: writes the super user's client properties file and takes
   * the sandbox's own admin client for user and ACL changes.
   */
  void attach(String bootstrapServers, Supplier<Admin> sandboxAdmin) {
    this.bootstrap = bootstrapServers;
    this.admin = sandboxAdmin;
    users.put(ADMIN, writeClientProperties(ADMIN, adminPassword, "the super user"));
  }

  @Override
  public SandboxUser admin() {
    return user(ADMIN);
  }

  @Override
  public Path truststore() {
    return tls.truststore();
  }

  @Override
  public synchronized SandboxUser createUser(String name) {
    if (name == null || !USER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a user name is 1-64 letters, digits, '.', '_' or '-', was " + name);
    }
    if (users.containsKey(name)) {
      throw new IllegalArgumentException("user " + name + " exists already");
    }
    String password = Secrets.password();
    try {
      adminClient()
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      name,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                      password)))
          .all()
          .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaSandboxException("cannot create SCRAM user " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      throw Waits.interrupted("creating user " + name, e);
    }
    SandboxUser user = writeClientProperties(name, password, "no ACLs of its own at creation");
    // the credential reaches the broker's login cache through the metadata log, a moment later
    Map<String, Object> config = user.clientConfig();
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kcp-sandbox-login-check");
    Waits.until(READY_TIMEOUT, "user " + name + " to log in", () -> logsIn(config));
    users.put(name, user);
    return user;
  }

  @Override
  public void allowTopic(String user, String topic, AclOperation... operations) {
    if (operations.length == 0) {
      throw new IllegalArgumentException("name at least one of " + TOPIC_OPERATIONS);
    }
    List<AclBinding> bindings = new ArrayList<>();
    for (AclOperation op : operations) {
      if (!TOPIC_OPERATIONS.contains(op)) {
        throw new IllegalArgumentException(
            "a topic ACL here is one of " + TOPIC_OPERATIONS + ", was " + op);
      }
      bindings.add(allow(user, ResourceType.TOPIC, topic, op));
    }
    createAcls(bindings);
  }

  @Override
  public void allowGroup(String user, String group) {
    createAcls(List.of(allow(user, ResourceType.GROUP, group, AclOperation.READ)));
  }

  /** Never shows a password. */
  @Override
  public String toString() {
    return "SecuredSetup[" + MECHANISM + " over SASL_SSL, users=" + users.keySet() + "]";
  }

  private SandboxUser user(String name) {
    SandboxUser u = users.get(name);
    if (u == null) {
      throw new IllegalStateException("the sandbox has not started yet");
    }
    return u;
  }

  private Admin adminClient() {
    Supplier<Admin> a = admin;
    if (a == null) {
      throw new IllegalStateException("the sandbox has not started yet");
    }
    return a.get();
  }

  private AclBinding allow(String user, ResourceType type, String name, AclOperation op) {
    requireUser(user);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "a " + type.name().toLowerCase(Locale.ROOT) + " name must not be blank");
    }
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  private void requireUser(String user) {
    if (user == null || !users.containsKey(user)) {
      throw new IllegalArgumentException(
          "no such sandbox user: " + user + " (have " + users.keySet() + ")");
    }
  }

  /** Creates the bindings and waits until the broker's authorizer lists them. */
  private void createAcls(Collection<AclBinding> bindings) {
    Admin a = adminClient();
    try {
      a.createAcls(bindings).all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaSandboxException("cannot create ACLs " + bindings + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      throw Waits.interrupted("creating ACLs", e);
    }
    Waits.until(
        READY_TIMEOUT,
        "the broker to enforce " + bindings,
        () -> {
          try {
            return a.describeAcls(AclBindingFilter.ANY)
                .values()
                .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .containsAll(bindings);
          } catch (ExecutionException | TimeoutException e) {
            return false;
          } catch (InterruptedException e) {
            throw Waits.interrupted("describing ACLs", e);
          }
        });
  }

  private static boolean logsIn(Map<String, Object> config) {
    try (Admin probe = Admin.create(config)) {
      probe
          .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
          .clusterId()
          .get(6, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SaslAuthenticationException) {
        return false; // not in the broker's credential cache yet
      }
      throw new KafkaSandboxException("a new user's login failed: " + e.getCause(), e);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      throw Waits.interrupted("checking a login", e);
    }
  }

  private SandboxUser writeClientProperties(String name, String password, String note) {
    Path file = clientsDir.resolve(name + ".properties");
    try {
      Files.createDirectories(clientsDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + clientsDir, e);
    }
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    entries.putAll(clientSettings(name, password));
    Secrets.writeProperties(
        file,
        "kcp sandbox: Kafka client settings for user " + name + " (" + note + ").\n"
            + "# SECRET: holds the user's password; deleted when the sandbox stops.",
        entries);
    return new SandboxUser(name, file);
  }

  private Map<String, String> clientSettings(String name, String password) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    c.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
    c.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(name, password));
    c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
    c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, Tls.STORE_TYPE);
    c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.truststorePassword());
    return c;
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password + "\";";
  }
}
