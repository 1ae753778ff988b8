package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import java.util.Objects;

/**
 * How the engine talks to bootstrap servers, in model terms. The HTTP implementation speaks one dialect; tests
 * use an in-memory one.
 */
public interface BootstrapTransport extends AutoCloseable {
  /**
   * Asks one server for bootstrap data.
   *
   * @throws NotClaimedException when the server does not know this device yet (HTTP 404)
   * @throws dev.phonehome.phc.api.PhcTransportException network failures, timeouts, 5xx
   * @throws dev.phonehome.phc.api.PhcProtocolException a bad answer (the path names the field)
   * @throws dev.phonehome.phc.api.PhcTrustException the answer may not be trusted
   */
  Answer fetch(EngineState.Server server, BootstrapRequest request);

  /**
   * Delivers one notification.
   *
   * @throws dev.phonehome.phc.api.PhcTransportException when it could not be delivered (kept and retried)
   * @throws dev.phonehome.phc.api.PhcProtocolException when the server refused it (not retried)
   */
  void report(EngineState.Server server, ProgressReport report);

  @Override
  default void close() {}

  /** What a server conveyed and whether it may be trusted (TLS to a trust anchor, or verified signatures). */
  record Answer(ConveyedInformation information, boolean trusted) {
    public Answer {
      Objects.requireNonNull(information, "information");
    }
  }
}
