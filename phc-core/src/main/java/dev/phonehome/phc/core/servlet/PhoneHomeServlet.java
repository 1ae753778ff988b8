package dev.phonehome.phc.core.servlet;

import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Serves a {@link PhoneHomeServer}'s {@link PhoneHomeHandler} from a Jakarta Servlet container. Map it so that
 * the RESTCONF paths reach it unchanged, at the context root: {@code /restconf/*}.
 *
 * <pre>{@code
 * PhoneHomeServer phs = PhoneHomeServer.builder().records(records).build(); // not started
 * context.addServlet(new ServletHolder(new PhoneHomeServlet(phs.handler())), "/restconf/*");
 * }</pre>
 *
 * The container does TLS, its timeouts and its thread pool; the handler still bounds bodies and concurrent
 * requests. Client certificates come from {@code jakarta.servlet.request.X509Certificate}. Some containers
 * refuse {@code %2F} and {@code ..} in paths themselves before this servlet sees them.
 */
public final class PhoneHomeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private final transient PhoneHomeHandler handler;

  public PhoneHomeServlet(PhoneHomeHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    String path = context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    ServerRequest.Builder b = ServerRequest.builder(req.getMethod(), path).query(req.getQueryString());
    for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      for (Enumeration<String> values = req.getHeaders(name); values.hasMoreElements(); ) {
        b.addHeader(name, values.nextElement());
      }
    }
    java.io.InputStream body = req.getInputStream();
    b.body(body == null ? java.io.InputStream.nullInputStream() : body, req.getContentLengthLong());
    if (req.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain) {
      b.peerCertificates(List.of(chain));
    }
    b.remoteAddress(req.getRemoteAddr());
    ServerResponse r = handler.handle(b.build());
    resp.setStatus(r.status());
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      resp.setHeader(e.getKey(), e.getValue());
    }
    resp.setContentLength(r.bodyLength());
    if (r.bodyLength() > 0) {
      r.writeBodyTo(resp.getOutputStream());
    }
  }
}
