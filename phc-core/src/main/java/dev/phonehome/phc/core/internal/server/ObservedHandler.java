package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.ServerEventListener;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import java.time.Duration;

/** Times every request through the handler and tells the {@link ServerEventListener} its route and status. */
public final class ObservedHandler implements PhoneHomeHandler {
  private final PhoneHomeHandler handler;
  private final ServerEventListener listener;

  public ObservedHandler(PhoneHomeHandler handler, ServerEventListener listener) {
    this.handler = handler;
    this.listener = listener;
  }

  @Override
  public ServerResponse handle(ServerRequest request) {
    long start = System.nanoTime();
    ServerResponse response = handler.handle(request);
    try {
      listener.requestHandled(route(request.rawPath()), response.status(), Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      // a listener must not throw; the device's answer does not depend on it
    }
    return response;
  }

  static String route(String path) {
    if (path.startsWith(PhoneHomeHandler.JUNIPER_DEVICE_PATH_PREFIX)) {
      return path.endsWith("/notification") ? ServerEventListener.ROUTE_JUNIPER_NOTIFICATION
          : ServerEventListener.ROUTE_JUNIPER_BOOTSTRAP;
    }
    if (path.equals(PhoneHomeHandler.GET_BOOTSTRAPPING_DATA_PATH)) {
      return ServerEventListener.ROUTE_GET_BOOTSTRAPPING_DATA;
    }
    if (path.equals(PhoneHomeHandler.REPORT_PROGRESS_PATH)) {
      return ServerEventListener.ROUTE_REPORT_PROGRESS;
    }
    return ServerEventListener.ROUTE_OTHER;
  }
}
