package dev.phonehome.phc.core.trust;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcTrustException.Reason;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.core.internal.json.JsonDataException;
import dev.phonehome.phc.core.internal.json.JsonEncodingException;
import dev.phonehome.phc.core.internal.json.JsonReader;
import dev.phonehome.phc.core.internal.json.JsonWriter;
import dev.phonehome.phc.core.internal.trust.Cms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * RFC 8366 vouchers in their JSON encoding ({@code application/voucher-cms+json}): a JSON document with one
 * member {@code ietf-voucher:voucher}, carried as the encapsulated content of a CMS SignedData whose
 * eContentType is {@code id-ct-animaJSONVoucher} ({@value #CMS_CONTENT_TYPE}), signed by the
 * manufacturer's (MASA's) key.
 *
 * <p>Decoding is strict: unknown members, duplicate members, wrong JSON types, bad dates, bad base64, an
 * unknown assertion and trailing data are all refused with {@link Reason#MALFORMED} and a message naming the
 * path ({@code $.ietf-voucher:voucher.created-on}) and the value.
 */
public final class VoucherCodec {
  /** The top-level member. */
  public static final String ROOT = "ietf-voucher:voucher";

  /** The CMS eContentType of a signed JSON voucher: {@code id-ct-animaJSONVoucher}. */
  public static final String CMS_CONTENT_TYPE = Cms.OID_JSON_VOUCHER;

  private static final int NONCE_MIN = 8;
  private static final int NONCE_MAX = 32;
  private static final long MAX_VOUCHER_BYTES = 64 * 1024;

  private VoucherCodec() {}

  /** The JSON encoding (UTF-8), members in RFC 8366 order, dates in UTC. */
  public static byte[] encodeJson(Voucher v) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JsonWriter w = JsonWriter.of(buf)) {
      w.beginObject().name(ROOT).beginObject();
      w.name("created-on").value(v.createdOn().toString());
      if (v.expiresOn() != null) {
        w.name("expires-on").value(v.expiresOn().toString());
      }
      w.name("assertion").value(v.assertion().yangName());
      w.name("serial-number").value(v.serialNumber());
      if (v.idevidIssuer() != null) {
        w.name("idevid-issuer").value(v.idevidIssuer().base64());
      }
      if (v.pinnedDomainCert() != null) {
        w.name("pinned-domain-cert").value(v.pinnedDomainCert().base64());
      }
      if (v.domainCertRevocationChecks() != null) {
        w.name("domain-cert-revocation-checks").value(v.domainCertRevocationChecks().booleanValue());
      }
      if (v.nonce() != null) {
        w.name("nonce").value(v.nonce().base64());
      }
      if (v.lastRenewalDate() != null) {
        w.name("last-renewal-date").value(v.lastRenewalDate().toString());
      }
      w.endObject().endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /**
   * Decodes the JSON encoding.
   *
   * @throws PhcTrustException {@link Reason#MALFORMED} naming the path and value on any deviation
   */
  public static Voucher decodeJson(byte[] json) {
    if (json.length > MAX_VOUCHER_BYTES) {
      throw malformed("$", "voucher of " + json.length + " bytes exceeds the limit of " + MAX_VOUCHER_BYTES);
    }
    JsonReader r = JsonReader.of(json);
    try {
      if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
        throw malformed("$", "expected an object, found " + r.peek());
      }
      r.beginObject();
      Voucher v = null;
      while (r.hasNext()) {
        String name = r.nextName();
        if (!ROOT.equals(name)) {
          throw malformed("$." + name, "unexpected member (only " + ROOT + " is allowed)");
        }
        if (v != null) {
          throw malformed("$." + name, "duplicate member");
        }
        v = readVoucher(r);
      }
      r.endObject();
      if (r.peek() != JsonReader.Token.END_DOCUMENT) {
        throw malformed("$", "trailing data after the voucher");
      }
      if (v == null) {
        throw malformed("$", "missing member " + ROOT);
      }
      return v;
    } catch (JsonEncodingException | JsonDataException e) {
      throw new PhcTrustException(Reason.MALFORMED, "voucher at " + r.getPath() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new PhcTrustException(Reason.MALFORMED, "voucher: truncated or unreadable JSON: " + e.getMessage(), e);
    }
  }

  private static Voucher readVoucher(JsonReader r) throws IOException {
    String base = "$." + ROOT;
    if (r.peek() != JsonReader.Token.BEGIN_OBJECT) {
      throw malformed(base, "expected an object, found " + r.peek());
    }
    Instant createdOn = null;
    Instant expiresOn = null;
    Voucher.Assertion assertion = null;
    String serial = null;
    Bytes idevidIssuer = null;
    Bytes pinned = null;
    Boolean revocation = null;
    Bytes nonce = null;
    Instant lastRenewal = null;
    Set<String> seen = new HashSet<>();
    r.beginObject();
    while (r.hasNext()) {
      String raw = r.nextName();
      // RFC 7951: a member in the same module as its parent is unqualified; accept the qualified form too.
      String name = raw.startsWith("ietf-voucher:") ? raw.substring("ietf-voucher:".length()) : raw;
      String path = base + "." + raw;
      if (!seen.add(name)) {
        throw malformed(path, "duplicate member");
      }
      switch (name) {
        case "created-on" -> createdOn = dateTime(r, path);
        case "expires-on" -> expiresOn = dateTime(r, path);
        case "last-renewal-date" -> lastRenewal = dateTime(r, path);
        case "assertion" -> {
          String s = string(r, path);
          assertion = Voucher.Assertion.fromYang(s);
          if (assertion == null) {
            throw malformed(path, "unknown assertion \"" + abbreviate(s) + "\" (verified, logged or proximity)");
          }
        }
        case "serial-number" -> {
          serial = string(r, path);
          if (serial.isEmpty()) {
            throw malformed(path, "empty serial-number");
          }
        }
        case "idevid-issuer" -> idevidIssuer = binary(r, path);
        case "pinned-domain-cert" -> pinned = binary(r, path);
        case "nonce" -> {
          nonce = binary(r, path);
          if (nonce.size() < NONCE_MIN || nonce.size() > NONCE_MAX) {
            throw malformed(path, "nonce of " + nonce.size() + " bytes (RFC 8366: 8..32)");
          }
        }
        case "domain-cert-revocation-checks" -> {
          if (r.peek() != JsonReader.Token.BOOLEAN) {
            throw malformed(path, "expected a boolean, found " + r.peek());
          }
          revocation = r.nextBoolean();
        }
        default -> throw malformed(path, "unknown member");
      }
    }
    r.endObject();
    require(createdOn, base + ".created-on");
    require(assertion, base + ".assertion");
    require(serial, base + ".serial-number");
    // pinned-domain-cert is mandatory too, but its absence is reported by the verifier (its own step).
    if (lastRenewal != null && expiresOn == null) {
      throw malformed(base + ".last-renewal-date", "present without expires-on");
    }
    return new Voucher(createdOn, expiresOn, assertion, serial, idevidIssuer, pinned, revocation, nonce,
        lastRenewal);
  }

  /** Signs {@code voucher} as CMS SignedData (the MASA's key and certificate chain, signer first). */
  public static Bytes sign(Voucher voucher, PrivateKey masaKey, List<X509Certificate> masaChain) {
    return Cms.sign(encodeJson(voucher), Cms.OID_JSON_VOUCHER, masaKey, masaChain);
  }

  private static void require(@Nullable Object value, String path) {
    if (value == null) {
      throw malformed(path, "missing mandatory member");
    }
  }

  private static String string(JsonReader r, String path) throws IOException {
    if (r.peek() != JsonReader.Token.STRING) {
      throw malformed(path, "expected a string, found " + r.peek());
    }
    return r.nextString();
  }

  private static Instant dateTime(JsonReader r, String path) throws IOException {
    String s = string(r, path);
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw malformed(path, "not a yang:date-and-time: \"" + abbreviate(s) + "\"");
    }
  }

  private static Bytes binary(JsonReader r, String path) throws IOException {
    String s = string(r, path);
    try {
      Bytes b = Bytes.fromBase64(s);
      if (b.isEmpty()) {
        throw malformed(path, "empty binary value");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw malformed(path, "not base64: \"" + abbreviate(s) + "\"");
    }
  }

  private static PhcTrustException malformed(String path, String what) {
    return new PhcTrustException(Reason.MALFORMED, "voucher " + path + ": " + what);
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
