package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import dev.phonehome.phc.store.jdbc.JdbcDeviceStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code phc serve} child process in the middle of a notification burst: every
 * notification a device got 2xx for is in the store after the restart, once. On the default embedded file
 * database and on PostgreSQL.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeKillTest {
  private static final Pattern LISTENING = Pattern.compile("listening on (https://[^/]+/)");
  private static final int DEVICES = 8;
  private static final int ACKS_BEFORE_KILL = 300;

  @TempDir Path tmp;
  private Process child;

  @AfterEach
  void stop() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
  }

  @Test
  void killMinus9DuringABurstLosesNoAcknowledgedNotificationOnTheEmbeddedDatabase() throws Exception {
    Path records = records();
    Map<String, Set<NotificationId>> acked = burstThenKill(records, List.of(), Map.of());
    try (JdbcDatabase db = JdbcDatabase.builder("jdbc:sqlite:" + tmp.resolve("phc-state.sqlite")).build()) {
      assertEveryAcknowledgedStoredOnce(db, acked);
    }
    restartServes(records, List.of(), Map.of());
  }

  @Test
  void killMinus9DuringABurstLosesNoAcknowledgedNotificationOnPostgres() throws Exception {
    try (PgTestDatabase pg = PgTestDatabase.create("kill")) {
      Path records = records();
      List<String> db = List.of("--database", pg.url(), "--database-user", PgTestDatabase.USER);
      Map<String, String> env = Map.of("PHC_DATABASE_PASSWORD", PgTestDatabase.PASSWORD);
      Map<String, Set<NotificationId>> acked = burstThenKill(records, db, env);
      try (JdbcDatabase jdbc = JdbcDatabase.builder(pg.url()).user(PgTestDatabase.USER)
          .password(PgTestDatabase.PASSWORD).build()) {
        assertEveryAcknowledgedStoredOnce(jdbc, acked);
      }
      restartServes(records, db, env);
    }
  }

  private Path records() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("records"));
    for (int i = 0; i < DEVICES; i++) {
      String serial = "KILL" + i;
      Files.writeString(dir.resolve(serial + ".xml"), "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
          + "<unique-id>" + serial + "</unique-id><configuration><config><configuration><system><host-name>k" + i
          + "</host-name></system></configuration></config></configuration></device>\n");
    }
    return dir;
  }

  private final HeldCertificate serverCert = new HeldCertificate.Builder().commonName("phc serve")
      .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost").build();

  private Process startChild(Path records, List<String> extra, Map<String, String> env, List<String> lines,
      CountDownLatch ready, String[] url) throws IOException {
    Path cert = tmp.resolve("cert.pem");
    Path key = tmp.resolve("key.pem");
    Files.writeString(cert, serverCert.certificatePem());
    Files.writeString(key, serverCert.privateKeyPkcs8Pem());
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.phonehome.phc.cli.Main", "serve",
        "--records", records.toString(), "--port", "0", "--tls-cert", cert.toString(), "--tls-key", key.toString()));
    cmd.addAll(extra);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            url[0] = m.group(1);
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "phc-serve-child-output");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private Map<String, Set<NotificationId>> burstThenKill(Path records, List<String> extra, Map<String, String> env)
      throws Exception {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch ready = new CountDownLatch(1);
    String[] url = new String[1];
    child = startChild(records, extra, env, lines, ready, url);
    assertThat(ready.await(60, TimeUnit.SECONDS)).as("phc serve started: " + lines).isTrue();

    HandshakeCertificates trust = new HandshakeCertificates.Builder()
        .addTrustedCertificate(serverCert.certificate()).build();
    OkHttpClient http = new OkHttpClient.Builder()
        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
        .connectionPool(new ConnectionPool(DEVICES, 1, TimeUnit.MINUTES))
        .retryOnConnectionFailure(false)
        .callTimeout(Duration.ofSeconds(20)).build();
    Map<String, Set<NotificationId>> acked = new ConcurrentHashMap<>();
    AtomicInteger ackCount = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(DEVICES);
    List<Future<?>> devices = new ArrayList<>();
    for (int d = 0; d < DEVICES; d++) {
      String serial = "KILL" + d;
      Set<NotificationId> mine = ConcurrentHashMap.newKeySet();
      acked.put(serial, mine);
      devices.add(pool.submit(() -> {
        // A device: one notification at a time, the next only after the answer; it stops when the server dies.
        for (long seq = 1; ; seq++) {
          NotificationId id = new NotificationId("burst" + serial, seq);
          byte[] body = JuniperXmlCodec.encodeNotification(ProgressReport.builder(ProgressType.INFORMATIONAL)
              .message(serial + " #" + seq).notificationId(id).build());
          try (Response r = http.newCall(new Request.Builder()
              .url(url[0] + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=" + serial
                  + "/notification")
              .header("Authorization", Credentials.basic(serial, ""))
              .post(RequestBody.create(body, MediaType.get("application/yang-data+xml"))).build()).execute()) {
            if (r.code() / 100 == 2) {
              mine.add(id);
              if (ackCount.incrementAndGet() >= ACKS_BEFORE_KILL) {
                enough.countDown();
              }
            }
          } catch (IOException e) {
            return null;
          }
        }
      }));
    }
    assertThat(enough.await(90, TimeUnit.SECONDS)).as("acknowledgements before the kill: " + ackCount).isTrue();
    long pid = child.pid();
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    for (Future<?> f : devices) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    assertThat(ackCount.get()).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    return acked;
  }

  private static void assertEveryAcknowledgedStoredOnce(JdbcDatabase db, Map<String, Set<NotificationId>> acked) {
    try (JdbcDeviceStore store = JdbcDeviceStore.builder(db).build()) {
      int total = 0;
      for (Map.Entry<String, Set<NotificationId>> e : acked.entrySet()) {
        List<DeviceNotification> timeline = store.timeline(e.getKey());
        Set<NotificationId> stored = new HashSet<>();
        for (DeviceNotification n : timeline) {
          assertThat(stored.add(n.report().notificationId())).as("stored once: " + n).isTrue();
        }
        assertThat(stored).as("every acknowledged notification of " + e.getKey() + " survived kill -9")
            .containsAll(e.getValue());
        // At most the one in flight when the process died is stored without having been acknowledged.
        assertThat(stored.size() - e.getValue().size()).isBetween(0, 1);
        total += e.getValue().size();
      }
      assertThat(total).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
    }
  }

  /** A new {@code phc serve} on the same state starts and shows the devices. */
  private void restartServes(Path records, List<String> extra, Map<String, String> env) throws Exception {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch ready = new CountDownLatch(1);
    String[] url = new String[1];
    child = startChild(records, extra, env, lines, ready, url);
    assertThat(ready.await(60, TimeUnit.SECONDS)).as("phc serve restarted after kill -9: " + lines).isTrue();
    child.destroy();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }
}
