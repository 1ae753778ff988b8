package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ReportingLevel;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
   * Offers one notification to a server and says what became of it. Never throws for an answer the server
   * gave or a network failure: those are outcomes.
   */
  ReportOutcome report(EngineState.Server server, ProgressReport report);

  @Override
  default void close() {}

  /**
   * What a server conveyed, whether it may be trusted (TLS to a trust anchor, or verified signatures), and the
   * RFC 8572 {@code reporting-level} it asked for (null: not given, or the Juniper dialect).
   */
  record Answer(ConveyedInformation information, boolean trusted, @Nullable ReportingLevel reportingLevel) {
    public Answer {
      Objects.requireNonNull(information, "information");
    }

    public Answer(ConveyedInformation information, boolean trusted) {
      this(information, trusted, null);
    }
  }

  /** What became of one notification offered to a server. */
  sealed interface ReportOutcome {
    /** The server took it (200, 201 or 204). */
    record Delivered() implements ReportOutcome {}

    /**
     * The server answered that it will not take it (a 4xx other than 404, 408 and 429): it is not offered again.
     *
     * @param httpStatus the status
     * @param serverMessage the RESTCONF {@code error-tag (error-message)} the server sent, or null
     * @param endsOnboarding true when the dialect makes this refusal end the use of that server's onboarding
     *     information (RFC 8572 section 5.6: {@code bootstrap-initiated} and {@code bootstrap-complete} not
     *     answered 204 are errors, and on an error the device stops processing that onboarding information and
     *     goes back to the bootstrapping sequence, i.e. the next bootstrap server)
     */
    record Refused(int httpStatus, @Nullable String serverMessage, boolean endsOnboarding) implements ReportOutcome {
      /** A refusal that only loses this one notification. */
      public Refused(int httpStatus, @Nullable String serverMessage) {
        this(httpStatus, serverMessage, false);
      }
    }

    /**
     * HTTP 404: the server does not know this serial (SPEC 2.1, not claimed). Kept queued and offered again
     * like a bootstrap request to a server that does not know the device yet (polled a bounded number of times).
     */
    record NotClaimed(String detail) implements ReportOutcome {
      public NotClaimed {
        Objects.requireNonNull(detail, "detail");
      }
    }

    /**
     * Not delivered now, may be later: a network failure, a timeout, 5xx, 408, 429. Kept queued.
     *
     * @param retryAfter the server's {@code Retry-After}, or null when it gave none
     * @param reason what happened
     */
    record Retry(@Nullable Duration retryAfter, String reason) implements ReportOutcome {
      public Retry {
        Objects.requireNonNull(reason, "reason");
      }
    }

    /**
     * Not sent at all, and never will be: RFC 8572 sends progress reports only to trusted servers, and this one
     * is not (plain HTTP, or its certificate failed validation).
     */
    record Withheld(String reason) implements ReportOutcome {
      public Withheld {
        Objects.requireNonNull(reason, "reason");
      }
    }

    static ReportOutcome delivered() {
      return new Delivered();
    }
  }
}
