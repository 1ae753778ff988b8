package dev.phonehome.phc.api.model;

import java.util.List;

/** A list of bootstrap servers to try, in order (RFC 8572 {@code redirect-information}). */
public record RedirectInformation(List<BootstrapServer> bootstrapServers) implements ConveyedInformation {
  public RedirectInformation {
    bootstrapServers = List.copyOf(bootstrapServers);
    if (bootstrapServers.isEmpty()) {
      throw new IllegalArgumentException("redirect-information needs at least one bootstrap-server");
    }
  }

  public static RedirectInformation of(BootstrapServer... servers) {
    return new RedirectInformation(List.of(servers));
  }
}
