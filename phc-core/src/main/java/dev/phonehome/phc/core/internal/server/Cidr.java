package dev.phonehome.phc.core.internal.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An IP network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}; a bare address is a /32 or /128). */
public final class Cidr {
  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses {@code text}; only literal addresses (no name lookups).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    byte[] bytes = literal(addr);
    if (bytes == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or network (CIDR, e.g. 192.0.2.0/24)");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("'" + text + "': prefix length must be 0 to " + max);
      }
    }
    return new Cidr(mask(bytes, prefix), prefix, t);
  }

  /** Whether {@code address} (an IP literal) is in this network; false for anything that is not a literal. */
  public boolean contains(@Nullable String address) {
    if (address == null) {
      return false;
    }
    String a = address.strip();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    byte[] b = literal(a);
    if (b == null) {
      return false;
    }
    if (b.length != network.length) {
      // an IPv4-mapped IPv6 address against an IPv4 network
      if (b.length == 16 && network.length == 4 && isMapped(b)) {
        b = java.util.Arrays.copyOfRange(b, 12, 16);
      } else {
        return false;
      }
    }
    return java.util.Arrays.equals(mask(b, prefix), network);
  }

  @Override
  public String toString() {
    return text;
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  private static byte[] mask(byte[] b, int prefix) {
    byte[] out = b.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - bits)));
    }
    return out;
  }

  /** The bytes of an IP literal, or null when {@code s} is not one (never a DNS lookup). */
  private static byte @Nullable [] literal(String s) {
    if (s.isEmpty()) {
      return null;
    }
    boolean v4 = s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    if (v4) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (parts[i].isEmpty() || parts[i].length() > 3) {
          return null;
        }
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        b[i] = (byte) v;
      }
      return b;
    }
    if (v6) {
      try {
        // A literal with a colon never triggers a lookup.
        return InetAddress.getByName(s).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
    return null;
  }
}
