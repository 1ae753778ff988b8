package dev.phonehome.phc.testkit.server;

import dev.phonehome.phc.api.model.ConveyedInformation;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link FakePhoneHomeServer} answers one request: bootstrap data, or a {@link Failure}.
 *
 * <p>{@link Bootstrap} is encoded in the dialect of the request that takes it (a Juniper {@code <device>}
 * document, or RFC 8572 {@code get-bootstrapping-data} output in the request's JSON or XML with unsigned
 * conveyed information), exactly as {@code PhoneHomeServer} would answer it.
 */
public sealed interface FakeAnswer {
  /** Answer 200 with this conveyed information (onboarding or redirect). */
  record Bootstrap(ConveyedInformation information) implements FakeAnswer {
    public Bootstrap {
      Objects.requireNonNull(information, "information");
    }
  }

  /** What goes wrong instead of an answer. */
  sealed interface Failure extends FakeAnswer {}

  /** An HTTP error status with a RESTCONF error body: 404 (not claimed), 401, 500, 503... */
  record HttpError(int status) implements Failure {
    public HttpError {
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException("an error status is 400 to 599, was " + status);
      }
    }
  }

  /** Closes the connection after reading the request, without any response. */
  record CloseConnection() implements Failure {}

  /**
   * Reads the request and sends nothing for {@code duration}, then closes the connection: the client's read
   * timeout should fire first.
   */
  record Stall(Duration duration) implements Failure {
    public Stall {
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * Sends the headers of the full answer (with its Content-Length) but only the first {@code bytesSent} bytes
   * of its body, then closes the connection.
   */
  record TruncatedBody(ConveyedInformation information, int bytesSent) implements Failure {
    public TruncatedBody {
      Objects.requireNonNull(information, "information");
      if (bytesSent < 0) {
        throw new IllegalArgumentException("bytesSent must be >= 0, was " + bytesSent);
      }
    }
  }

  static FakeAnswer bootstrap(ConveyedInformation information) {
    return new Bootstrap(information);
  }

  static Failure httpError(int status) {
    return new HttpError(status);
  }

  static Failure closeConnection() {
    return new CloseConnection();
  }

  static Failure stall(Duration duration) {
    return new Stall(duration);
  }

  static Failure truncatedBody(ConveyedInformation information, int bytesSent) {
    return new TruncatedBody(information, bytesSent);
  }
}
