package com.example.nms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The NMS example over real HTTPS on loopback, as a Junos device would call it, with the JDK's HTTP client. */
@Timeout(60)
class NmsServerTest {
  private static final String SERIAL = "PE3714100218";
  private static final String DEVICE = "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";

  private final BlockingQueue<DeviceNotification> events = new LinkedBlockingQueue<>();
  private DatabaseProvisioningRecords records;
  private PhoneHomeServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:nms-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    server = NmsServer.create(db, events::add, "127.0.0.1", 0).start();
    records = new DatabaseProvisioningRecords(db);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("phs", server.generatedCertificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aClaimedDeviceGetsItsRecordFromTheDatabaseAndItsNotificationsReachTheNms() throws Exception {
    records.claim(SERIAL, "jinstall-ex-4300-21.4R3.15-signed.tgz",
        "https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz", "0123456789abcdef0123456789abcdef",
        "<configuration><system><host-name>sw1</host-name></system></configuration>", ProvisioningMode.STRICT,
        List.of(new IntendedMember(SERIAL, 0, IntendedRole.ROUTING_ENGINE, null),
            new IntendedMember("PE3714100301", 1, IntendedRole.LINE_CARD, null)));

    HttpResponse<String> bootstrap = http.send(device(SERIAL, "").header("Accept", "application/yang-data+xml")
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, bootstrap.statusCode(), bootstrap.body());
    assertTrue(bootstrap.body().contains("<name>jinstall-ex-4300-21.4R3.15-signed.tgz</name>"), bootstrap.body());
    assertTrue(bootstrap.body().contains("<provisioning-mode>strict</provisioning-mode>"), bootstrap.body());
    assertTrue(bootstrap.body().contains("<serial-number>PE3714100301</serial-number>"), bootstrap.body());

    HttpResponse<String> notification = http.send(device(SERIAL, "/notification")
        .header("Content-Type", "application/yang-data+xml")
        .POST(HttpRequest.BodyPublishers.ofString("<notification xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
            + "<notification-type>bootstrap-initiated</notification-type><message>starting</message></notification>"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(notification.statusCode() == 201 || notification.statusCode() == 204, notification.body());
    DeviceNotification n = events.poll(10, TimeUnit.SECONDS);
    assertEquals(SERIAL, n.serialNumber());
    assertEquals("bootstrap-initiated", n.report().type().name());
  }

  @Test
  void anUnclaimedDeviceGets404AndKeepsPolling() throws Exception {
    HttpResponse<String> r = http.send(device("PE0000000000", "").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode());
  }

  @Test
  void noHttpClientOfAnotherSideIsOnTheClassPath() {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("okhttp3.OkHttpClient"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("kotlin.Unit"));
  }

  private HttpRequest.Builder device(String serial, String suffix) {
    String basic = Base64.getEncoder().encodeToString((serial + ":").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + DEVICE + serial + suffix))
        .header("Authorization", "Basic " + basic).timeout(Duration.ofSeconds(10));
  }
}
