package dev.phonehome.phc.testkit.vc;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a {@link VirtualChassisModel}'s operation log: what was asked or what happened, when, and its
 * details, for exact-order assertions.
 *
 * @param at the virtual instant
 * @param name the operation, e.g. {@code install-image}, {@code reboot}, {@code member-up}, {@code role-change}
 * @param detail a readable description, e.g. {@code member=2 path=/var/tmp/jinstall.tgz}
 */
public record VcOperation(Instant at, String name, String detail) {
  public VcOperation {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@code name detail}, without the time: handy in {@code containsExactly} assertions. */
  public String summary() {
    return detail.isEmpty() ? name : name + " " + detail;
  }

  @Override
  public String toString() {
    return at + " " + summary();
  }
}
