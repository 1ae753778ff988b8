package dev.phonehome.phc.api.model;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stable id a client gives each progress notification, so that a server can store a notification that
 * arrives twice (a retry after a lost answer, a resend after a crash) once. It is {@code <run>-<sequence>}:
 * {@code run} names one bootstrap run of one device (random, kept in the client's saved state, new after a
 * zeroize) and {@code sequence} counts that run's notifications from 1 upwards, in the order they were queued.
 *
 * <p>On the wire (our choice, ignored safely by servers that do not know it): the Juniper dialect carries it as
 * a {@code <notification-id>} element beside {@code <notification-type>}; RFC 8572 has no place for it in
 * {@code report-progress} (and real servers validate the input against the YANG module, so an augmentation
 * would be refused), so it travels at the end of {@code message} as {@code " [notification-id <id>]"}, which
 * our server strips again.
 */
public record NotificationId(String run, long sequence) implements Comparable<NotificationId> {
  private static final Pattern RUN = Pattern.compile("[0-9A-Za-z]{1,32}");
  private static final Pattern TEXT = Pattern.compile("([0-9A-Za-z]{1,32})-([1-9][0-9]{0,17})");

  public NotificationId {
    Objects.requireNonNull(run, "run");
    if (!RUN.matcher(run).matches()) {
      throw new IllegalArgumentException("run must be 1 to 32 letters or digits, was \"" + run + "\"");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be at least 1, was " + sequence);
    }
  }

  /**
   * Parses {@code <run>-<sequence>}.
   *
   * @throws IllegalArgumentException naming the text when it is not a notification id
   */
  public static NotificationId parse(String text) {
    Matcher m = TEXT.matcher(Objects.requireNonNull(text, "text"));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a notification id (<run>-<sequence>, run 1-32 letters or digits): \"" + text + "\"");
    }
    return new NotificationId(m.group(1), Long.parseLong(m.group(2)));
  }

  /** The next id of the same run. */
  public NotificationId next() {
    return new NotificationId(run, Math.addExact(sequence, 1));
  }

  /** Orders by run, then by sequence: within one run, the order the notifications were queued. */
  @Override
  public int compareTo(NotificationId o) {
    int c = run.compareTo(o.run);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }

  /** {@code <run>-<sequence>}, as it travels. */
  @Override
  public String toString() {
    return run + "-" + sequence;
  }
}
