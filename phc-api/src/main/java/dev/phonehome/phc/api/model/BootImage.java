package dev.phonehome.phc.api.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The software image a device must run. RFC 8572 {@code boot-image}; in the Juniper dialect {@code name},
 * {@code path} (a download URI) and one element per checksum.
 */
public final class BootImage {
  private final @Nullable String name;
  private final @Nullable String osName;
  private final @Nullable String osVersion;
  private final List<String> downloadUris;
  private final List<ImageVerification> verifications;

  private BootImage(Builder b) {
    this.name = b.name;
    this.osName = b.osName;
    this.osVersion = b.osVersion;
    this.downloadUris = List.copyOf(b.downloadUris);
    this.verifications = List.copyOf(b.verifications);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.osName = osName;
    b.osVersion = osVersion;
    b.downloadUris.addAll(downloadUris);
    b.verifications.addAll(verifications);
    return b;
  }

  /** The image file name (Juniper {@code name}), or null. */
  public @Nullable String name() {
    return name;
  }

  public @Nullable String osName() {
    return osName;
  }

  /** The version the image installs; members already on it are not upgraded. */
  public @Nullable String osVersion() {
    return osVersion;
  }

  /** Where to download it, in order: the first is the primary source, the rest are mirrors. */
  public List<String> downloadUris() {
    return downloadUris;
  }

  /** Every digest given; all of them are checked. */
  public List<ImageVerification> verifications() {
    return verifications;
  }

  /** The file name to store the image under: {@link #name()}, else the last path segment of the first URI. */
  public String fileName() {
    if (name != null && !name.isBlank()) {
      return name;
    }
    if (!downloadUris.isEmpty()) {
      String u = downloadUris.get(0);
      int q = u.indexOf('?');
      if (q >= 0) {
        u = u.substring(0, q);
      }
      String last = u.substring(u.lastIndexOf('/') + 1);
      if (!last.isBlank()) {
        return last;
      }
    }
    return "boot-image.tgz";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BootImage b
        && Objects.equals(name, b.name)
        && Objects.equals(osName, b.osName)
        && Objects.equals(osVersion, b.osVersion)
        && downloadUris.equals(b.downloadUris)
        && verifications.equals(b.verifications);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, osName, osVersion, downloadUris, verifications);
  }

  @Override
  public String toString() {
    return "BootImage{name=" + name + ", osName=" + osName + ", osVersion=" + osVersion
        + ", downloadUris=" + downloadUris + ", verifications=" + verifications + "}";
  }

  public static final class Builder {
    private @Nullable String name;
    private @Nullable String osName;
    private @Nullable String osVersion;
    private final List<String> downloadUris = new ArrayList<>();
    private final List<ImageVerification> verifications = new ArrayList<>();

    private Builder() {}

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder osName(@Nullable String osName) {
      this.osName = osName;
      return this;
    }

    public Builder osVersion(@Nullable String osVersion) {
      this.osVersion = osVersion;
      return this;
    }

    public Builder addDownloadUri(String uri) {
      this.downloadUris.add(Objects.requireNonNull(uri, "uri"));
      return this;
    }

    public Builder downloadUris(List<String> uris) {
      this.downloadUris.clear();
      uris.forEach(this::addDownloadUri);
      return this;
    }

    public Builder addVerification(ImageVerification v) {
      this.verifications.add(Objects.requireNonNull(v, "verification"));
      return this;
    }

    public Builder verifications(List<ImageVerification> vs) {
      this.verifications.clear();
      vs.forEach(this::addVerification);
      return this;
    }

    public BootImage build() {
      return new BootImage(this);
    }
  }
}
