package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One progress notification: RFC 8572 {@code report-progress} input, or a Juniper dialect
 * {@code <notification>}. Member-specific notifications carry {@link #member()}.
 */
public final class ProgressReport {
  private final ProgressType type;
  private final @Nullable String message;
  private final @Nullable MemberRef member;
  private final @Nullable NotificationId notificationId;
  private final List<SshHostKey> sshHostKeys;
  private final List<Bytes> trustAnchorCerts;

  private ProgressReport(Builder b) {
    this.type = b.type;
    this.message = b.message;
    this.member = b.member;
    this.notificationId = b.notificationId;
    this.sshHostKeys = List.copyOf(b.sshHostKeys);
    this.trustAnchorCerts = List.copyOf(b.trustAnchorCerts);
  }

  public static Builder builder(ProgressType type) {
    return new Builder(type);
  }

  public static ProgressReport of(ProgressType type, @Nullable String message) {
    return builder(type).message(message).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(type);
    b.message = message;
    b.member = member;
    b.notificationId = notificationId;
    b.sshHostKeys.addAll(sshHostKeys);
    b.trustAnchorCerts.addAll(trustAnchorCerts);
    return b;
  }

  public ProgressType type() {
    return type;
  }

  public @Nullable String message() {
    return message;
  }

  public @Nullable MemberRef member() {
    return member;
  }

  /**
   * The client's id for this notification, by which a server stores a repeated one once; null when the sender
   * gave none (a device other than ours).
   */
  public @Nullable NotificationId notificationId() {
    return notificationId;
  }

  /** Sent with {@code bootstrap-complete} only. */
  public List<SshHostKey> sshHostKeys() {
    return sshHostKeys;
  }

  /** CMS degenerate SignedData structures, sent with {@code bootstrap-complete} only. */
  public List<Bytes> trustAnchorCerts() {
    return trustAnchorCerts;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProgressReport r
        && type.equals(r.type)
        && Objects.equals(message, r.message)
        && Objects.equals(member, r.member)
        && Objects.equals(notificationId, r.notificationId)
        && sshHostKeys.equals(r.sshHostKeys)
        && trustAnchorCerts.equals(r.trustAnchorCerts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, message, member, notificationId, sshHostKeys, trustAnchorCerts);
  }

  @Override
  public String toString() {
    return "ProgressReport{" + type + (message == null ? "" : ", \"" + message + "\"")
        + (member == null ? "" : ", " + member) + (notificationId == null ? "" : ", id " + notificationId) + "}";
  }

  public static final class Builder {
    private final ProgressType type;
    private @Nullable String message;
    private @Nullable MemberRef member;
    private @Nullable NotificationId notificationId;
    private final List<SshHostKey> sshHostKeys = new ArrayList<>();
    private final List<Bytes> trustAnchorCerts = new ArrayList<>();

    private Builder(ProgressType type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder message(@Nullable String message) {
      this.message = message;
      return this;
    }

    public Builder member(@Nullable MemberRef member) {
      this.member = member;
      return this;
    }

    public Builder notificationId(@Nullable NotificationId notificationId) {
      this.notificationId = notificationId;
      return this;
    }

    public Builder addSshHostKey(SshHostKey key) {
      this.sshHostKeys.add(Objects.requireNonNull(key, "key"));
      return this;
    }

    public Builder addTrustAnchorCert(Bytes cms) {
      this.trustAnchorCerts.add(Objects.requireNonNull(cms, "cms"));
      return this;
    }

    public ProgressReport build() {
      return new ProgressReport(this);
    }
  }
}
