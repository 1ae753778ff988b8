package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.ProgressReport;
import java.io.InputStream;
import java.util.List;

/** The Juniper dialect (SPEC 2.1): {@code <device>} bootstrap data and {@code <notification>}. */
public final class JuniperXmlCodec {
  /** {@code http://juniper.net/zerotouch-bootstrap-server}. */
  public static final String NAMESPACE = "http://juniper.net/zerotouch-bootstrap-server";

  private JuniperXmlCodec() {}

  /** The {@code <device>} document, UTF-8, canonical formatting. */
  public static byte[] encodeDevice(JuniperDevice device) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** @throws dev.phonehome.phc.api.PhcProtocolException naming the path and value that were wrong */
  public static JuniperDevice decodeDevice(InputStream in, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** A {@code <notification>} with member fields when the report has a member. */
  public static byte[] encodeNotification(ProgressReport report) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** Every {@code notification-type} in the body, whatever the root element. */
  public static List<ProgressReport> decodeNotifications(InputStream in, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }
}
