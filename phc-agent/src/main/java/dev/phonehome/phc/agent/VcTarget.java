package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.Dialect;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Virtual Chassis to provision, as it is put in the {@link AgentWorkQueue}: where its NETCONF/SSH service is,
 * which credentials the agent uses to log in, and which bootstrap servers the engine asks.
 *
 * <p>No secret is held: {@link #credentials()} is a <em>reference</em> (a name such as {@code lab-vcs}) that each
 * agent resolves on its own host with its {@link CredentialsResolver} (by default a file of that name in the
 * agent's credentials directory). The database therefore never holds a password or a key, and different agent
 * hosts may log in with different accounts for the same reference.
 *
 * <pre>{@code
 * VcTarget vc = VcTarget.builder("10.1.2.3")
 *     .credentials("lab-vcs")
 *     .bootstrapServers("https://phs1.example.net:8443", "https://phs2.example.net:8443")
 *     .build();
 * }</pre>
 */
public final class VcTarget {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9\\[][A-Za-z0-9._:@/+\\[\\]-]{0,199}");
  private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  /** Attempts before a VC is marked failed, unless set. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final String name;
  private final String host;
  private final int port;
  private final String credentials;
  private final List<String> bootstrapServers;
  private final Dialect dialect;
  private final @Nullable String serialNumber;
  private final int maxAttempts;

  private VcTarget(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.name = b.name != null ? b.name : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be 1 to 200 characters of letters, digits and ._:@/+-[] (starting"
          + " with a letter, a digit or '['), was \"" + name + "\"");
    }
    if (b.credentials == null) {
      throw new IllegalStateException("credentials is required: the name of the credentials the agent logs in with");
    }
    this.credentials = b.credentials;
    if (b.bootstrapServers.isEmpty()) {
      throw new IllegalStateException("bootstrapServers is required: at least one redirect server or PHS URL");
    }
    this.bootstrapServers = List.copyOf(b.bootstrapServers);
    this.dialect = b.dialect;
    this.serialNumber = b.serialNumber;
    this.maxAttempts = b.maxAttempts;
  }

  /** A builder for the VC whose NETCONF over SSH service is at {@code host} (port 830 unless set). */
  public static Builder builder(String host) {
    return new Builder(host);
  }

  /** A builder with this target's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(host).port(port).name(name).credentials(credentials).dialect(dialect)
        .maxAttempts(maxAttempts);
    b.bootstrapServers.addAll(bootstrapServers);
    b.serialNumber = serialNumber;
    return b;
  }

  /** The operator's name for the VC, unique in the queue (default {@code host:port}). */
  public String name() {
    return name;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The name of the credentials to log in with, resolved by each agent; never a secret. */
  public String credentials() {
    return credentials;
  }

  /** The redirect server and phone-home servers the engine asks, in order. */
  public List<String> bootstrapServers() {
    return bootstrapServers;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The serial to present to the servers, or null for the VC primary's own. */
  public @Nullable String serialNumber() {
    return serialNumber;
  }

  /** Claims of this VC before it is marked failed (a lease that expires counts as one). */
  public int maxAttempts() {
    return maxAttempts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VcTarget t && name.equals(t.name) && host.equals(t.host) && port == t.port
        && credentials.equals(t.credentials) && bootstrapServers.equals(t.bootstrapServers) && dialect == t.dialect
        && Objects.equals(serialNumber, t.serialNumber) && maxAttempts == t.maxAttempts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, host, port, credentials, bootstrapServers, dialect, serialNumber, maxAttempts);
  }

  @Override
  public String toString() {
    return "VcTarget[" + name + ", " + host + ":" + port + ", credentials " + credentials + ", " + dialect.name()
        .toLowerCase(Locale.ROOT) + ", servers " + bootstrapServers + (serialNumber == null ? "" : ", serial "
        + serialNumber) + "]";
  }

  /** Settings of a {@link VcTarget}; {@code credentials} and at least one bootstrap server are required. */
  public static final class Builder {
    private String host;
    private int port = 830;
    private @Nullable String name;
    private @Nullable String credentials;
    private final List<String> bootstrapServers = new ArrayList<>();
    private Dialect dialect = Dialect.JUNIPER;
    private @Nullable String serialNumber;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

    private Builder(String host) {
      this.host = checkHost(host);
    }

    private static String checkHost(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.length() > 253 || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
        throw new IllegalArgumentException("host must be a host name or an IP address, was \"" + host + "\"");
      }
      return host;
    }

    /** The VC's management address (host name or IP address). */
    public Builder host(String host) {
      this.host = checkHost(host);
      return this;
    }

    /** NETCONF over SSH port (default 830). */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** The operator's name for the VC, unique in the queue (default {@code host:port}). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The name of the credentials the agent logs in with ({@code [A-Za-z0-9][A-Za-z0-9._-]*}, at most 128
     * characters): a reference each agent resolves, never the secret itself.
     */
    public Builder credentials(String reference) {
      Objects.requireNonNull(reference, "reference");
      if (!REFERENCE.matcher(reference).matches()) {
        throw new IllegalArgumentException("credentials must be the name of credentials (letters, digits, '.', '_',"
            + " '-'; at most 128), not a secret or a path; was " + reference.length() + " characters (not shown: it may be"
            + " a secret)");
      }
      this.credentials = reference;
      return this;
    }

    /** The redirect server and phone-home servers to ask, in order (https URLs). */
    public Builder bootstrapServers(String... urls) {
      bootstrapServers.clear();
      for (String u : urls) {
        addBootstrapServer(u);
      }
      return this;
    }

    public Builder bootstrapServers(List<String> urls) {
      return bootstrapServers(urls.toArray(new String[0]));
    }

    public Builder addBootstrapServer(String url) {
      Objects.requireNonNull(url, "url");
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bootstrap server is not a URL: \"" + url + "\"", e);
      }
      if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
          || u.getUserInfo() != null) {
        throw new IllegalArgumentException("bootstrap server must be an http(s) URL with a host and no user"
            + " information, was \"" + url + "\"");
      }
      bootstrapServers.add(url);
      return this;
    }

    /** The wire dialect (default Juniper). */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /** The serial to present to the servers (default: the VC primary's, read from the device). */
    public Builder serialNumber(@Nullable String serialNumber) {
      this.serialNumber = serialNumber;
      return this;
    }

    /** Claims before the VC is marked failed (default 5); a lease that expired counts as one. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 1000) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 1000, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    public VcTarget build() {
      return new VcTarget(this);
    }
  }
}
