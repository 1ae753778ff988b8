package dev.phonehome.phc.core.internal.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * At most {@code limit} phone-home requests (RESTCONF, paths under {@code /restconf/}) to one server (scheme, host
 * and port) at the same time, over an OkHttp client that many phone-home clients share: a request holds its
 * permit until its response body is closed. Image downloads are not limited here (they last minutes, and must
 * not hold back notifications to a server that also serves images). Thousands
 * of clients starting at once then reuse a few kept-alive connections instead of opening (and paying a TLS
 * handshake for) one connection each. A request waits for a permit at most its connect plus read timeout, then
 * fails like a timeout (the engine retries it). OkHttp's own {@code Dispatcher.maxRequestsPerHost} bounds only
 * asynchronous calls; the engine's calls are synchronous.
 */
public final class ServerRequestLimiter implements Interceptor {
  private final int limit;
  private final ConcurrentHashMap<String, Semaphore> permits = new ConcurrentHashMap<>();

  public ServerRequestLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit must be at least 1, was " + limit);
    }
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }

  /** Requests to {@code scheme://host:port} holding a permit now. */
  public int inUse(String scheme, String host, int port) {
    Semaphore s = permits.get(scheme + "://" + host + ":" + port);
    return s == null ? 0 : limit - s.availablePermits();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    okhttp3.HttpUrl url = chain.request().url();
    if (!url.encodedPath().startsWith("/restconf/")) {
      return chain.proceed(chain.request());
    }
    Semaphore s = permits.computeIfAbsent(url.scheme() + "://" + url.host() + ":" + url.port(),
        k -> new Semaphore(limit, true));
    long waitMillis = (long) chain.connectTimeoutMillis() + chain.readTimeoutMillis();
    try {
      if (!s.tryAcquire(waitMillis <= 0 ? Long.MAX_VALUE : waitMillis, TimeUnit.MILLISECONDS)) {
        throw new InterruptedIOException("no connection to " + url.host() + ":" + url.port() + " free within "
            + waitMillis + " ms (" + limit + " requests at once per server)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a connection to " + url.host());
    }
    Permit permit = new Permit(s);
    try {
      Response response = chain.proceed(chain.request());
      return response.newBuilder().body(new ReleasingBody(response.body(), permit)).build();
    } catch (IOException | RuntimeException | Error e) {
      permit.release();
      throw e;
    }
  }

  private static final class Permit {
    private final Semaphore semaphore;
    private final AtomicBoolean released = new AtomicBoolean();

    Permit(Semaphore semaphore) {
      this.semaphore = semaphore;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        semaphore.release();
      }
    }
  }

  /** The response body; closing it (or reading it to the end and closing) gives the permit back. */
  private static final class ReleasingBody extends ResponseBody {
    private final ResponseBody delegate;
    private final Permit permit;
    private final BufferedSource source;

    ReleasingBody(ResponseBody delegate, Permit permit) {
      this.delegate = delegate;
      this.permit = permit;
      this.source = Okio.buffer(new ForwardingSource(delegate.source()) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            permit.release();
          }
        }
      });
    }

    @Override
    public @Nullable MediaType contentType() {
      return delegate.contentType();
    }

    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public BufferedSource source() {
      return source;
    }

    @Override
    public void close() {
      try {
        source.close();
      } catch (IOException e) {
        // closing a response body does not fail the caller; the permit is back either way
      } finally {
        permit.release();
      }
    }
  }
}
