package com.example.agent;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * An off-box agent: provisions the Virtual Chassis at a management address over NETCONF/SSH from a list of
 * phone-home servers. {@code java com.example.agent.Agent HOST USER PHS-URL...} with the password in
 * {@code VC_PASSWORD} and the VC's host key in {@code ~/.ssh/known_hosts}.
 */
public final class Agent {
  private Agent() {}

  public static void main(String[] args) throws Exception {
    String secret = System.getenv("VC_PASSWORD");
    // snippet:client
    try (JunosDeviceOperations vc = JunosDeviceOperations.builder()
            .host(args[0]).password(args[1], secret)
            .hostKeyVerification(HostKeyVerification.knownHosts(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts")))
            .build()) {
      PhoneHomeResult result = provision(vc, List.of(args).subList(2, args.length), systemTrust(),
          Clock.systemUTC(), Sleeper.system());
      System.out.println(result);
    }
    // end-snippet
  }

  /** Runs SPEC section 4 against {@code device} to completion, or throws BootstrapFailedException. */
  public static PhoneHomeResult provision(DeviceOperations device, List<String> servers, X509TrustManager trust,
      Clock clock, Sleeper sleeper) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
    // snippet:engine
    try (PhoneHomeClient client = PhoneHomeClient.builder()
        .bootstrapServers(servers.toArray(String[]::new))   // a redirect server first, or PHSs
        .dialect(Dialect.JUNIPER)                            // or Dialect.RFC8572 (+ .encoding(Encoding.JSON))
        .sslContext(tls, trust)                              // whom to trust; or .okHttpClient(yours)
        .deviceOperations(device)                            // here NETCONF/SSH; in tests the test kit's fake VC
        .memberDetectionTimeout(Duration.ofMinutes(10))
        .clock(clock).sleeper(sleeper)                       // injected time: a virtual clock in tests
        .maxRounds(3)                                        // rounds over the server list before giving up
        .build()) {
      return client.run();
    }
    // end-snippet
  }

  private static X509TrustManager systemTrust() throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    return (X509TrustManager) tmf.getTrustManagers()[0];
  }
}
