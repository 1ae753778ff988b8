package dev.phonehome.phc.api;

/** The YANG data encodings: RFC 7951 JSON and RFC 7950 XML. */
public enum Encoding {
  JSON("application/yang-data+json"),
  XML("application/yang-data+xml");

  private final String mediaType;

  Encoding(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The RFC 8040 media type; the legacy spelling {@code yang.data} is accepted on input. */
  public String mediaType() {
    return mediaType;
  }
}
