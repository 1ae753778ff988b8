package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import java.nio.charset.StandardCharsets;

/**
 * A last-resort RESTCONF error body, used only if the codec cannot encode one (so a failing codec never turns
 * an error answer into a bare 500 without a body).
 */
final class FallbackErrors {
  private FallbackErrors() {}

  static byte[] encode(RestconfErrors.RestconfError e, Encoding encoding) {
    StringBuilder sb = new StringBuilder();
    if (encoding == Encoding.JSON) {
      sb.append("{\"ietf-restconf:errors\":{\"error\":[{\"error-type\":").append(json(e.errorType()))
          .append(",\"error-tag\":").append(json(e.errorTag()));
      if (e.errorPath() != null) {
        sb.append(",\"error-path\":").append(json(e.errorPath()));
      }
      if (e.errorMessage() != null) {
        sb.append(",\"error-message\":").append(json(e.errorMessage()));
      }
      sb.append("}]}}");
    } else {
      sb.append("<errors xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\"><error><error-type>")
          .append(xml(e.errorType())).append("</error-type><error-tag>").append(xml(e.errorTag()))
          .append("</error-tag>");
      if (e.errorPath() != null) {
        sb.append("<error-path>").append(xml(e.errorPath())).append("</error-path>");
      }
      if (e.errorMessage() != null) {
        sb.append("<error-message>").append(xml(e.errorMessage())).append("</error-message>");
      }
      sb.append("</error></errors>");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String xml(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        default -> sb.append(c < 0x20 && c != '\t' && c != '\n' ? '?' : c);
      }
    }
    return sb.toString();
  }
}
