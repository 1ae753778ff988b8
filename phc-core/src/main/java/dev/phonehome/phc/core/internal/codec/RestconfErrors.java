package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Encoding;
import java.io.InputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** RESTCONF {@code ietf-restconf:errors} bodies (RFC 8040 section 7.1). */
public final class RestconfErrors {
  private RestconfErrors() {}

  /** One {@code error}: type (transport, rpc, protocol, application), tag, message, path. */
  public record RestconfError(String errorType, String errorTag, @Nullable String errorMessage, @Nullable String errorPath) {}

  public static byte[] encode(List<RestconfError> errors, Encoding encoding) {
    throw new UnsupportedOperationException("codec in progress");
  }

  public static List<RestconfError> decode(InputStream in, Encoding encoding, CodecLimits limits) {
    throw new UnsupportedOperationException("codec in progress");
  }
}
