package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import java.io.InputStream;

/**
 * RFC 8572 messages in RFC 7951 JSON and RFC 7950 XML. VC progress types travel as {@code informational} with
 * the message {@code <vc-type>: member ...: <text>} (SPEC section 5) and are restored on decode.
 */
public final class Rfc8572Codec {
  private Rfc8572Codec() {}

  /** The {@code get-bootstrapping-data} input (the serial travels in the credentials, not here). */
  public static byte[] encodeBootstrapRequest(BootstrapRequest request, Encoding encoding) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** @param serialNumber the authenticated serial, which the decoded request carries */
  public static BootstrapRequest decodeBootstrapRequest(
      InputStream in, Encoding encoding, String serialNumber, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** The {@code get-bootstrapping-data} output. */
  public static byte[] encodeBootstrappingData(BootstrappingData data, Encoding encoding) {
    throw new UnsupportedOperationException("codec in progress");
  }

  public static BootstrappingData decodeBootstrappingData(InputStream in, Encoding encoding, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** The {@code report-progress} input. */
  public static byte[] encodeReportProgress(ProgressReport report, Encoding encoding) {
    throw new UnsupportedOperationException("codec in progress");
  }

  public static ProgressReport decodeReportProgress(InputStream in, Encoding encoding, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }

  /** The {@code ietf-sztp-conveyed-info} document (redirect or onboarding information). */
  public static byte[] encodeConveyedInformation(ConveyedInformation info, Encoding encoding) {
    throw new UnsupportedOperationException("codec in progress");
  }

  public static ConveyedInformation decodeConveyedInformation(byte[] document, Encoding encoding, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }
}
