package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.SshHostKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a notification only {@code bootstrap-complete} carries (SSH host keys, trust anchor
 * certificates), as one text column: a line {@code k <base64 algorithm> <base64 key>} per host key and
 * {@code t <base64 CMS>} per trust anchor.
 */
final class Extras {
  private Extras() {}

  static @Nullable String encode(ProgressReport r) {
    if (r.sshHostKeys().isEmpty() && r.trustAnchorCerts().isEmpty()) {
      return null;
    }
    Base64.Encoder b64 = Base64.getEncoder();
    StringBuilder sb = new StringBuilder();
    for (SshHostKey k : r.sshHostKeys()) {
      sb.append("k ").append(b64.encodeToString(k.algorithm().getBytes(StandardCharsets.UTF_8))).append(' ')
          .append(k.keyData().base64()).append('\n');
    }
    for (Bytes t : r.trustAnchorCerts()) {
      sb.append("t ").append(t.base64()).append('\n');
    }
    return sb.toString();
  }

  static void decode(@Nullable String text, ProgressReport.Builder b) {
    if (text == null || text.isEmpty()) {
      return;
    }
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(" ", -1);
      if (f[0].equals("k") && f.length == 3) {
        b.addSshHostKey(new SshHostKey(new String(Base64.getDecoder().decode(f[1]), StandardCharsets.UTF_8),
            Bytes.fromBase64(f[2])));
      } else if (f[0].equals("t") && f.length == 2) {
        b.addTrustAnchorCert(Bytes.fromBase64(f[1]));
      } else {
        throw new IllegalStateException("unreadable extras line in phc_notification: " + line);
      }
    }
  }
}
