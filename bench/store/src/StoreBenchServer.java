import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.core.server.InMemoryDeviceStore;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import dev.phonehome.phc.store.jdbc.JdbcDeviceStore;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.KeyManagerFactory;

/**
 * One phone-home server for bench/store/run.sh: the embedded PhoneHomeServer (Jetty, BoringSSL when it loads)
 * with the store named on the command line, records for BENCH0000..BENCH(n-1). Prints READY, then serves until
 * killed; on stdin EOF prints what the store holds (a check that every 204 was stored).
 *
 * <p>Arguments: kind (memory | sqlite | h2 | postgresql) port pkcs12 password dir devices [maxBatch] [jdbcUrl user password]
 */
public final class StoreBenchServer {
  public static void main(String[] a) throws Exception {
    String kind = a[0];
    int port = Integer.parseInt(a[1]);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(a[2])) {
      ks.load(in, a[3].toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, a[3].toCharArray());
    Path dir = Path.of(a[4]);
    int devices = Integer.parseInt(a[5]);
    int maxBatch = a.length > 6 ? Integer.parseInt(a[6]) : 256;
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    for (int i = 0; i < devices; i++) {
      String serial = String.format("BENCH%04d", i);
      records.put(serial, OnboardingInformation.builder().configurationHandling(ConfigurationHandling.MERGE)
          .configuration(Bytes.utf8("<configuration><system><host-name>" + serial.toLowerCase()
              + "</host-name></system></configuration>")).build());
    }
    JdbcDatabase db = null;
    DeviceStore store;
    switch (kind) {
      case "memory" -> store = InMemoryDeviceStore.create();
      case "sqlite" -> db = JdbcDatabase.builder("jdbc:sqlite:" + dir.resolve("bench.sqlite")).build();
      case "h2" -> db = JdbcDatabase.builder("jdbc:h2:file:" + dir.resolve("bench-h2")).build();
      case "postgresql" -> db = JdbcDatabase.builder(a[7]).user(a[8]).password(a[9]).build();
      default -> throw new IllegalArgumentException("kind: " + kind);
    }
    if (db != null) {
      store = JdbcDeviceStore.builder(db).maxBatch(maxBatch)
          .writers(Integer.parseInt(System.getenv().getOrDefault("WRITERS", "2"))).build();
    } else {
      store = InMemoryDeviceStore.create();
    }
    // The load is far above a real device's notification rate: lift the per-device limit (ServerLimits), which
    // would otherwise answer most of it 429.
    PhoneHomeServer server = PhoneHomeServer.builder().records(records).store(store).keyManagerFactory(kmf)
        .limits(ServerLimits.DEFAULT.withNotificationsPerMinute(1_000_000_000).withMaxConcurrentRequests(1024))
        .bind("127.0.0.1", port).build().start();
    System.out.println("READY " + kind + " port " + server.port() + " tls " + server.tlsImplementation()
        + (db == null ? "" : " db " + db));
    System.out.flush();
    // stdin closes when the script is done with this server: report what was stored, then stop.
    while (System.in.read() >= 0) {
      // wait
    }
    long total = 0;
    for (int i = 0; i < devices; i++) {
      total += server.progress().status(String.format("BENCH%04d", i)).notifications();
    }
    System.out.println("STORED " + total + (store instanceof JdbcDeviceStore j ? " " + j.statistics() : ""));
    server.close();
    store.close();
    if (db != null) {
      db.close();
    }
    new CountDownLatch(0).await();
  }
}
