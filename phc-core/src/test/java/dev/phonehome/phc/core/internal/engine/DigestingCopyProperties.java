package dev.phonehome.phc.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The two-thread copy of image staging, for any size and any way the source hands out its bytes. */
class DigestingCopyProperties {

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Bytes sha256(byte[] b, int off, int len) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(b, off, len);
    return Bytes.of(d.digest());
  }

  private static MultiDigest digestExpecting(byte[] b) throws Exception {
    return new MultiDigest(List.of(new ImageVerification(HashAlgorithm.SHA_256, sha256(b, 0, b.length)),
        new ImageVerification(HashAlgorithm.MD5, Bytes.of(MessageDigest.getInstance("MD5").digest(b)))));
  }

  /** A source that hands out at most {@code step} bytes per read (as a socket does). */
  private static InputStream trickle(byte[] b, int step) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, step));
      }
    };
  }

  @Property(tries = 60)
  void theDestinationGetsExactlyTheSourceAndTheDigestsMatch(@ForAll @IntRange(min = 0, max = 700_000) int size,
      @ForAll @IntRange(min = 1, max = 70_000) int step) throws Exception {
    byte[] image = bytes(size, size);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MultiDigest digest = digestExpecting(image);
    DigestingCopy copy = new DigestingCopy(out, digest);

    copy.from(trickle(image, step));

    assertThat(out.toByteArray()).isEqualTo(image);
    assertThat(copy.written()).isEqualTo(size);
    assertThat(digest.finishAndCompare()).isEmpty();
  }

}
