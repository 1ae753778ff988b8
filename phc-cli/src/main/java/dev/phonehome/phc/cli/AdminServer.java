package dev.phonehome.phc.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The admin API's own small HTTPS listener (same address and certificate as the PHS, its own port), so that
 * the PHS port serves devices only. Reads the server's progress query API through {@link AdminApi}.
 */
final class AdminServer implements AutoCloseable {
  private final HttpsServer server;
  private final ExecutorService executor;

  private AdminServer(HttpsServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static AdminServer start(AdminApi api, SSLContext ssl, InetAddress address, int port) throws IOException {
    HttpsServer s = HttpsServer.create(new InetSocketAddress(address, port), 32);
    s.setHttpsConfigurator(new HttpsConfigurator(ssl));
    s.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readNBytes(64 * 1024);
        AdminApi.Answer a = api.handle(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
            exchange.getRequestHeaders().getFirst("Authorization"));
        byte[] body = a.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (a.status() == 401) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"phc-admin\"");
        }
        exchange.sendResponseHeaders(a.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "phc-admin");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(ex);
    s.start();
    return new AdminServer(s, ex);
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
