import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Starts, on loopback, (1) the embedded PhoneHomeServer (Jetty engine, BoringSSL TLS) with one record, (2) the
 * same with the JDK's TLS, (3) the same handler behind Netty's HTTP codec ({@link NettyBenchServer}), and (4) the
 * JDK's HttpsServer (sun.net.httpserver.nodelay=true) serving
 * the same response bytes, the engine alternative measured for the choice. Both use the PKCS12 key and certificate given, TLS 1.3 only.
 *
 * usage: BenchServers keystore.p12 password responseFile
 * Binds ephemeral ports on 127.0.0.1 (several worktrees may run this benchmark at once), writes the embedded
 * server's response body to responseFile (fetched through the handler), prints one line
 * {@code READY phc=<port> phcjdktls=<port> jdk=<port> ...}, then serves until killed.
 */
public final class BenchServers {
  public static void main(String[] args) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[0])) {
      ks.load(in, args[1].toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, args[1].toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), null, null);

    OnboardingInformation info = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name("jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addVerification(ImageVerification.ofHex(HashAlgorithm.MD5, "0123456789abcdef0123456789abcdef"))
            .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_1, "0123456789abcdef0123456789abcdef01234567"))
            .build())
        .configuration(Bytes.utf8("<configuration><system><host-name>bench-sw1</host-name></system></configuration>"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT,
            List.of(IntendedMember.of("BENCH0001"), IntendedMember.of("BENCH0002"))))
        .build();
    // The default engine: key material as a KeyManagerFactory, so TLS is BoringSSL where it loads.
    PhoneHomeServer phs = PhoneHomeServer.builder()
        .records(new InMemoryProvisioningRecords().put("BENCH0001", info))
        .keyManagerFactory(kmf)
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(4096))
        .bind("127.0.0.1", 0)
        .build()
        .start();
    // The same engine with the JDK's TLS (a user who brings an SSLContext), for comparison.
    PhoneHomeServer phsJdkTls = PhoneHomeServer.builder()
        .records(new InMemoryProvisioningRecords().put("BENCH0001", info))
        .sslContext(ctx)
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(4096))
        .bind("127.0.0.1", 0)
        .build()
        .start();

    // The exact answer bytes, through the transport-neutral handler.
    var resp = phs.handler().handle(dev.phonehome.phc.core.server.ServerRequest.builder("GET",
            "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=BENCH0001")
        .addHeader("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("BENCH0001:".getBytes()))
        .addHeader("Accept", "application/yang-data+xml").build());
    if (resp.status() != 200) {
      throw new IllegalStateException("bench record not served: " + resp + " " + resp.bodyText());
    }
    byte[] body = resp.body();
    Files.write(Path.of(args[2]), body);

    // The same handler behind Netty's HTTP/1.1 codec and SslHandler (BoringSSL): the engine comparison.
    PhoneHomeServer forNetty = PhoneHomeServer.builder()
        .records(new InMemoryProvisioningRecords().put("BENCH0001", info))
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(4096))
        .build();
    NettyBenchServer netty = new NettyBenchServer(forNetty.handler(), kmf, 64 * 1024);

    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpsServer jdk = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    jdk.setHttpsConfigurator(new HttpsConfigurator(ctx) {
      @Override
      public void configure(com.sun.net.httpserver.HttpsParameters params) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        params.setSSLParameters(p);
      }
    });
    jdk.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().add("Content-Type", "application/yang-data+xml");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    jdk.setExecutor(Executors.newFixedThreadPool(64));
    jdk.start();
    System.out.println("READY phc=" + phs.port() + " phcjdktls=" + phsJdkTls.port() + " jdk="
        + jdk.getAddress().getPort() + " phcnetty=" + netty.port() + " tls_phc=" + phs.tlsImplementation() + " tls_phcjdktls="
        + phsJdkTls.tlsImplementation() + " bytes=" + body.length);
    System.out.flush();
    Thread.currentThread().join();
  }
}
