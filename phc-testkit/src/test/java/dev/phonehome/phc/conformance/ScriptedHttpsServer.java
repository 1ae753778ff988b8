package dev.phonehome.phc.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A peer that is not phc: the JDK's own HTTPS server answering what each test scripts, so that the client is
 * tested against answers phc's server would never give (a non-conforming or foreign server), and every request
 * is recorded byte for byte.
 */
final class ScriptedHttpsServer implements AutoCloseable {
  /** One scripted answer. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    static Reply of(int status, @Nullable String contentType, String body) {
      return new Reply(status, contentType == null ? Map.of() : Map.of("Content-Type", contentType),
          body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
      return new Reply(status, Map.of(), new byte[0]);
    }
  }

  /** What arrived. */
  record Seen(String method, String path, Map<String, List<String>> headers, byte[] body) {
    @Nullable String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  interface Script {
    Reply answer(Seen request) throws IOException;
  }

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private volatile Script script = r -> Reply.empty(404);

  ScriptedHttpsServer(SSLContext context) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  ScriptedHttpsServer script(Script s) {
    this.script = s;
    return this;
  }

  String url() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  Seen take() throws InterruptedException {
    Seen s = seen.poll(10, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no request within 10 s");
    }
    return s;
  }

  List<Seen> all() {
    return List.copyOf(seen);
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(1 << 20);
    }
    Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), Map.copyOf(ex.getRequestHeaders()), body);
    seen.add(s);
    Reply r;
    try {
      r = script.answer(s);
    } catch (RuntimeException e) {
      r = Reply.of(500, "text/plain", "script failed: " + e);
    }
    r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(r.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
