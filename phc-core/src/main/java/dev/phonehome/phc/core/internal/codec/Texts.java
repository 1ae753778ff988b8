package dev.phonehome.phc.core.internal.codec;

/** Small text helpers shared by the codecs. */
final class Texts {
  private Texts() {}

  /** {@code s} quoted, cut to 64 characters with "..." so a huge bad value does not flood a log. */
  static String quote(String s) {
    String shown = s.length() <= 64 ? s : s.substring(0, 61) + "...";
    return "'" + shown + "'";
  }

  /** The index of the first character of {@code s} that XML 1.0 cannot carry, or -1. */
  static int firstInvalidXmlChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
