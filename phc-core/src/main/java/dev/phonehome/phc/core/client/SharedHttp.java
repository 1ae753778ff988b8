package dev.phonehome.phc.core.client;

import dev.phonehome.phc.core.internal.engine.ServerRequestLimiter;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client that every {@link PhoneHomeClient} built from one {@link PhoneHomeClient.Builder} shares: one
 * connection pool (kept-alive TLS connections are reused across the clients of a fleet instead of each client
 * paying its own handshakes), the TLS settings applied once, and a limit of concurrent phone-home requests per
 * server. Counts the clients using it: when the last one closes, a client the builder made itself drops its
 * idle connections; a client the user gave is left as it is.
 */
final class SharedHttp {
  final OkHttpClient client;
  private final boolean owned;
  private int users;

  private SharedHttp(OkHttpClient client, boolean owned) {
    this.client = client;
    this.owned = owned;
  }

  static SharedHttp create(@Nullable OkHttpClient base, @Nullable SSLContext sslContext,
      @Nullable X509TrustManager trustManager, int maxRequestsPerServer) {
    OkHttpClient.Builder hb = base == null
        ? new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(30)).readTimeout(Duration.ofSeconds(60))
            .writeTimeout(Duration.ofSeconds(60)).callTimeout(Duration.ZERO)
        : base.newBuilder();
    if (sslContext != null && trustManager != null) {
      hb.sslSocketFactory(sslContext.getSocketFactory(), trustManager);
    }
    hb.addInterceptor(new ServerRequestLimiter(maxRequestsPerServer));
    return new SharedHttp(hb.build(), base == null);
  }

  synchronized OkHttpClient acquire() {
    users++;
    return client;
  }

  synchronized void release() {
    users--;
    if (users == 0 && owned) {
      client.connectionPool().evictAll();
    }
  }
}
