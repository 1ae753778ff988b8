package dev.phonehome.phc.api.model;

import java.util.Optional;

/** Image hash algorithms: SHA-256 (RFC 8572), MD5 and SHA-1 (Juniper dialect), SHA-512 (our addition). */
public enum HashAlgorithm {
  SHA_256("SHA-256", "ietf-sztp-conveyed-info:sha-256", "sha256", 32),
  SHA_512("SHA-512", "phc-conveyed-info:sha-512", "sha512", 64),
  SHA_1("SHA-1", "phc-conveyed-info:sha-1", "sha1", 20),
  MD5("MD5", "phc-conveyed-info:md5", "md5", 16);

  private final String jcaName;
  private final String identity;
  private final String juniperElement;
  private final int digestLength;

  HashAlgorithm(String jcaName, String identity, String juniperElement, int digestLength) {
    this.jcaName = jcaName;
    this.identity = identity;
    this.juniperElement = juniperElement;
    this.digestLength = digestLength;
  }

  /** The name {@code java.security.MessageDigest} knows. */
  public String jcaName() {
    return jcaName;
  }

  /**
   * The YANG identity as RFC 7951 JSON writes it (module-qualified). Only SHA-256 is defined by RFC 8572;
   * the others are our own identities in module {@code phc-conveyed-info}.
   */
  public String identity() {
    return identity;
  }

  /** The element name in the Juniper dialect's {@code <boot-image>} ({@code md5}, {@code sha1}, ...). */
  public String juniperElement() {
    return juniperElement;
  }

  public int digestLength() {
    return digestLength;
  }

  /** Looks up by identity, with or without module prefix ({@code sha-256}, {@code x:sha-256}). */
  public static Optional<HashAlgorithm> forIdentity(String identity) {
    String local = identity.substring(identity.indexOf(':') + 1);
    for (HashAlgorithm a : values()) {
      if (a.identity.substring(a.identity.indexOf(':') + 1).equals(local)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  public static Optional<HashAlgorithm> forJuniperElement(String element) {
    for (HashAlgorithm a : values()) {
      if (a.juniperElement.equals(element)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
