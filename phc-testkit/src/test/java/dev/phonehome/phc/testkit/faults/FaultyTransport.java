package dev.phonehome.phc.testkit.faults;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * The phone-home transport of a fault schedule, as an OkHttp interceptor's body: serves the image host
 * ({@code images.test}) itself, counts the calls to the phone-home server and applies the {@link TransportFault}
 * aimed at a call's number. Shared by the world over {@code FakeVirtualChassis} (server core in memory) and the one
 * over the simulated Junos VC (real HTTPS on loopback).
 */
public final class FaultyTransport {
  /** What answers a call that no fault stops: the server. */
  @FunctionalInterface
  public interface Next {
    Response proceed(Request request) throws IOException;
  }

  private final byte[] image;
  private final Function<String, RuntimeException> crash;
  /** Transport faults by the number of the call they hit (1 = the first call to the phone-home server). */
  public final Map<Integer, TransportFault> faults = new TreeMap<>();
  /** HTTP calls to the phone-home server so far (bootstrap requests and notifications). */
  public int calls;
  /** Notifications the server took (answered 2xx), duplicates by id included. */
  public int notificationsTaken;
  /** Transport faults that hit a call. */
  public int faultsFired;

  /**
   * @param image what {@code https://images.test/...} serves
   * @param crash makes the exception that ends the process (the message says where it died)
   */
  public FaultyTransport(byte[] image, Function<String, RuntimeException> crash) {
    this.image = image.clone();
    this.crash = crash;
  }

  public Response exchange(Request request, Next server) throws IOException {
    if (request.url().host().equals("images.test")) {
      return response(request, 200, MediaType.get("application/octet-stream"), image, Map.of());
    }
    int call = ++calls;
    TransportFault fault = faults.remove(call);
    if (fault != null) {
      faultsFired++;
    }
    String path = request.url().encodedPath();
    if (fault == TransportFault.LOSE_REQUEST) {
      throw new IOException("connection reset before the request reached the server (injected, call " + call + ")");
    }
    if (fault == TransportFault.CRASH_BEFORE_SEND) {
      throw crash.apply("simulated crash before HTTP call " + call + " " + path);
    }
    if (fault == TransportFault.UNAVAILABLE) {
      return response(request, 503, null, new byte[0], Map.of("Retry-After", "30"));
    }
    Response answer = server.proceed(request);
    if ((path.endsWith("/notification") || path.endsWith(":report-progress")) && answer.code() / 100 == 2) {
      notificationsTaken++;
    }
    if (fault == TransportFault.LOSE_ANSWER) {
      answer.close();
      throw new IOException("connection reset before the answer arrived (injected, call " + call + ")");
    }
    if (fault == TransportFault.CRASH_AFTER_SEND) {
      answer.close();
      throw crash.apply("simulated crash after the server answered HTTP call " + call + " " + path + " with "
          + answer.code());
    }
    return answer;
  }

  /** A response made here (the image, a 503, or the in-memory server's answer). */
  public static Response response(Request request, int code, @Nullable MediaType type, byte[] body,
      Map<String, String> headers) {
    Response.Builder r = new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(code)
        .message(code == 200 ? "OK" : "status " + code).body(ResponseBody.create(body, type));
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Content-Length")) {
        r.header(k, v);
      }
    });
    return r.build();
  }
}
