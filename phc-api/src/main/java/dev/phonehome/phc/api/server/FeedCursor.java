package dev.phonehome.phc.api.server;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A position in a store's notification feed: "everything up to here has been read". Opaque: only the store
 * that issued it knows what it means; keep {@link #value()} (a short ASCII string) next to your own data and
 * give it back with {@link #of}. {@link #START} is before the first notification.
 */
public final class FeedCursor {
  private static final Pattern VALUE = Pattern.compile("[0-9A-Za-z._:-]{1,128}");

  /** Before every notification the store holds. */
  public static final FeedCursor START = new FeedCursor("0");

  private final String value;

  private FeedCursor(String value) {
    this.value = value;
  }

  /**
   * The cursor written as {@code value}.
   *
   * @throws IllegalArgumentException when it is not 1-128 characters of {@code [0-9A-Za-z._:-]}
   */
  public static FeedCursor of(String value) {
    Objects.requireNonNull(value, "value");
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "not a feed cursor (1-128 characters of [0-9A-Za-z._:-]): \"" + printable(value) + "\"");
    }
    return value.equals(START.value) ? START : new FeedCursor(value);
  }

  /** The cursor as text, to store and give back to {@link #of}. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeedCursor c && value.equals(c.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }

  private static String printable(String s) {
    String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    StringBuilder sb = new StringBuilder();
    for (char c : cut.toCharArray()) {
      sb.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return sb.toString();
  }
}
