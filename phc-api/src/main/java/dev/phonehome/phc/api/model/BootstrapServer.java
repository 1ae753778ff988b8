package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One bootstrap server of a redirect.
 *
 * @param address host name or IP address
 * @param port the port, or null for the default (443)
 * @param trustAnchor the server's trust anchor, or null (RFC 8572: a CMS degenerate SignedData holding the
 *     certificate chain; Juniper dialect: one DER X.509 certificate)
 */
public record BootstrapServer(String address, @Nullable Integer port, @Nullable Bytes trustAnchor) {
  public static final int DEFAULT_PORT = 443;

  public BootstrapServer {
    Objects.requireNonNull(address, "address");
    if (address.isBlank()) {
      throw new IllegalArgumentException("bootstrap-server address is blank");
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("bootstrap-server port out of range: " + port);
    }
  }

  public int effectivePort() {
    return port == null ? DEFAULT_PORT : port;
  }
}
