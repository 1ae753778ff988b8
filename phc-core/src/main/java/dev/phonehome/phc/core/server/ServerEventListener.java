package dev.phonehome.phc.core.server;

import java.time.Duration;

/**
 * Hears what the embedded phone-home server does, for metrics ({@code phc-micrometer}'s {@code PhcServerMetrics})
 * and logs. Every method has a no-op default. Like a {@link dev.phonehome.phc.api.server.ProgressListener}, a
 * listener must be fast, must not throw and must not call back into the server; it is called on the server's
 * threads, concurrently. Notifications are heard through {@code ProgressListener}.
 */
public interface ServerEventListener {
  /** The Juniper dialect's bootstrap resource ({@code GET .../device=<serial>}). */
  String ROUTE_JUNIPER_BOOTSTRAP = "juniper-bootstrap";
  /** The Juniper dialect's notification ({@code POST .../device=<serial>/notification}). */
  String ROUTE_JUNIPER_NOTIFICATION = "juniper-notification";
  /** RFC 8572 {@code get-bootstrapping-data}. */
  String ROUTE_GET_BOOTSTRAPPING_DATA = "get-bootstrapping-data";
  /** RFC 8572 {@code report-progress}. */
  String ROUTE_REPORT_PROGRESS = "report-progress";
  /** Any other path (answered 404 or 405). */
  String ROUTE_OTHER = "other";

  /**
   * A request was answered.
   *
   * @param route one of the {@code ROUTE_} constants
   * @param status the HTTP status sent (401, 403 and 429 are authentication or throttling refusals)
   * @param elapsed the time the server's handler took, body reading included
   */
  default void requestHandled(String route, int status, Duration elapsed) {}

  /** A TLS handshake on the embedded engine finished ({@code succeeded} false: refused or broken). */
  default void tlsHandshake(boolean succeeded) {}

  /**
   * A call of the server's {@link dev.phonehome.phc.api.server.DeviceStore} returned.
   *
   * @param operation the store method's name ({@code append}, {@code recordSighting}, {@code status}, ...)
   * @param succeeded false when it threw
   */
  default void storeCalled(String operation, Duration elapsed, boolean succeeded) {}
}
