package dev.phonehome.phc.core.internal.trust;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.internal.trust.CertificateBuilder.KeyType;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationSigner;
import java.util.List;

/**
 * Not a test: a tiny timing loop (no JMH) comparing a steady-state signed answer with an unsigned one. Run
 * from the test classpath: {@code java -cp ... dev.phonehome.phc.core.internal.trust.SignerTimingLoop}.
 */
public final class SignerTimingLoop {
  private SignerTimingLoop() {}

  public static void main(String[] args) {
    int docSize = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
    byte[] doc = new byte[docSize];
    java.util.Arrays.fill(doc, (byte) 'x');
    ProvisioningRecord record = new ProvisioningRecord("S1",
        RedirectInformation.of(new BootstrapServer("127.0.0.1", null, null)), "v1");
    for (KeyType type : KeyType.values()) {
      Fixture f = new Fixture(type, type.name());
      DefaultConveyedInformationSigner signed = DefaultConveyedInformationSigner.builder()
          .ownerKey(f.ownerKeys.getPrivate(), f.ownerChain()).vouchers(java.util.Map.of("S1", f.sign(f.voucher())))
          .build();
      DefaultConveyedInformationSigner unsigned = DefaultConveyedInformationSigner.unsigned();
      long firstStart = System.nanoTime();
      signed.bootstrappingData(record, doc, Encoding.JSON, null, null);
      long first = System.nanoTime() - firstStart;
      int n = (int) Math.max(2_000, 200_000L * 4096 / docSize);
      for (int round = 0; round < 3; round++) {
        long s = time(() -> signed.bootstrappingData(record, doc, Encoding.JSON, null, null), n);
        long u = time(() -> unsigned.bootstrappingData(record, doc, Encoding.JSON, null, null), n);
        System.out.printf("%s doc=%dB first(sign)=%.1fus steady signed=%.2fus unsigned=%.2fus per call%n",
            type, docSize, first / 1e3, s / 1e3, u / 1e3);
      }
      // a fresh signature each time, for scale
      long fresh = time(() -> Cms.sign(doc, "1.2.840.113549.1.9.16.1.43", f.ownerKeys.getPrivate(),
          List.of(f.owner)), 2_000);
      System.out.printf("%s uncached signature=%.1fus per call%n", type, fresh / 1e3);
    }
  }

  private static long time(Runnable r, int n) {
    for (int i = 0; i < n / 10; i++) {
      r.run();
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      r.run();
    }
    return (System.nanoTime() - start) / n;
  }
}
