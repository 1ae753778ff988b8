package dev.phonehome.phc.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients over one OkHttp client: at most N phone-home requests per server at a time. */
@Timeout(60)
class ServerRequestLimiterTest {
  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger atServer = new AtomicInteger();
  private final AtomicInteger mostAtServer = new AtomicInteger();
  private final AtomicInteger imagesAtServer = new AtomicInteger();
  private volatile CountDownLatch release = new CountDownLatch(0);

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        boolean image = request.getUrl().encodedPath().startsWith("/images/");
        int now = (image ? imagesAtServer : atServer).incrementAndGet();
        if (!image) {
          mostAtServer.accumulateAndGet(now, Math::max);
        }
        try {
          release.await(20, TimeUnit.SECONDS);
          Thread.sleep(2); // let the others pile up behind the limit
        } finally {
          (image ? imagesAtServer : atServer).decrementAndGet();
        }
        return new MockResponse.Builder().code(204).build();
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OkHttpClient client(int limit) {
    return new OkHttpClient.Builder().connectionPool(new ConnectionPool(64, 1, TimeUnit.MINUTES))
        .readTimeout(Duration.ofSeconds(20)).addInterceptor(new ServerRequestLimiter(limit)).build();
  }

  private static int call(OkHttpClient http, String url) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(url).post(okhttp3.RequestBody.create(new byte[0])).build())
        .execute()) {
      return r.code();
    }
  }

  @Test
  void fortyClientsAtOnceNeverHaveMoreThanTheLimitAtTheServerAndAllGetTheirAnswer() throws Exception {
    OkHttpClient http = client(3);
    ExecutorService threads = Executors.newFixedThreadPool(40);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(threads.submit(() -> call(http, server.url("/restconf/data/x/notification").toString())));
      }
      for (Future<Integer> a : answers) {
        assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(204);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(mostAtServer.get()).isBetween(1, 3);
    assertThat(server.getRequestCount()).isEqualTo(40);
    // Kept-alive connections were reused: never more than the limit were opened.
    assertThat(http.connectionPool().connectionCount()).isLessThanOrEqualTo(3);
  }

  @Test
  void imageDownloadsAreNotHeldBackByTheLimit() throws Exception {
    OkHttpClient http = client(1);
    release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      Future<Integer> notification = threads.submit(() -> call(http, server.url("/restconf/x").toString()));
      List<Future<Integer>> images = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        images.add(threads.submit(() -> call(http, server.url("/images/a.tgz").toString())));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (imagesAtServer.get() < 3 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(imagesAtServer.get()).isEqualTo(3); // all three in flight while the one permit is taken
      release.countDown();
      assertThat(notification.get(10, TimeUnit.SECONDS)).isEqualTo(204);
      for (Future<Integer> f : images) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(204);
      }
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aRequestThatCannotGetAPermitInTimeFailsLikeATimeout() throws Exception {
    OkHttpClient http = client(1).newBuilder().connectTimeout(Duration.ofMillis(100))
        .readTimeout(Duration.ofMillis(200)).build();
    release = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(1);
    try {
      Future<Integer> holder = threads.submit(() -> call(http.newBuilder().readTimeout(Duration.ofSeconds(20)).build(),
          server.url("/restconf/x").toString()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (atServer.get() < 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThatThrownBy(() -> call(http, server.url("/restconf/y").toString()))
          .isInstanceOf(InterruptedIOException.class).hasMessageContaining("1 requests at once per server");
      release.countDown();
      assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo(204);
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aPermitComesBackWhenTheCallFailsAndWhenTheBodyIsClosedUnread() throws Exception {
    OkHttpClient http = client(1);
    // Closed unread (try-with-resources without reading) and a failed call (nobody listening) both give it back.
    for (int i = 0; i < 5; i++) {
      assertThat(call(http, server.url("/restconf/x").toString())).isEqualTo(204);
    }
    String dead = "http://127.0.0.1:" + freePort() + "/restconf/x";
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> call(http, dead)).isInstanceOf(java.io.IOException.class);
    }
    assertThat(call(http, server.url("/restconf/x").toString())).isEqualTo(204);
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
