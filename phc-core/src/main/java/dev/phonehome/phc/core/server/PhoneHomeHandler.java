package dev.phonehome.phc.core.server;

/**
 * The transport-neutral core of the phone-home server: routes both dialects (SPEC section 2), authenticates
 * and authorises the device, answers bootstrap requests from the provisioning records, stores notifications.
 * Mount it in any HTTP stack: build a {@link ServerRequest} per request and write the {@link ServerResponse}.
 * The embedded engine and {@code dev.phonehome.phc.core.servlet.PhoneHomeServlet} do exactly that.
 *
 * <p>Thread-safe. Never throws for a bad request: every error is a response with a RESTCONF
 * {@code ietf-restconf:errors} body.
 */
@FunctionalInterface
public interface PhoneHomeHandler {
  /**
   * The Juniper dialect's bootstrap resource, followed by the serial number ({@code GET}), or by the serial
   * number and {@code /notification} ({@code POST}).
   */
  String JUNIPER_DEVICE_PATH_PREFIX = "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";

  /** RFC 8572's {@code get-bootstrapping-data} operation ({@code POST}). */
  String GET_BOOTSTRAPPING_DATA_PATH = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";

  /** RFC 8572's {@code report-progress} operation ({@code POST}). */
  String REPORT_PROGRESS_PATH = "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";

  /** Handles one request, reading its body on the calling thread. */
  ServerResponse handle(ServerRequest request);
}
