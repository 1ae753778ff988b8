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
  /** Handles one request, reading its body on the calling thread. */
  ServerResponse handle(ServerRequest request);
}
