package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.model.ProgressReport;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A notification that did not reach the server and never will: the server refused it (a 4xx answer other than
 * 404, 408 and 429), or the client withheld it because the server is not trusted (RFC 8572 sends progress
 * reports only to trusted servers). It is not counted as delivered and not offered again.
 *
 * @param report the notification, with its notification id
 * @param server the URL of the server it was for
 * @param httpStatus the server's HTTP status, or {@link #WITHHELD} when the client did not send it
 * @param serverMessage the server's RESTCONF error ({@code error-tag (error-message)}), or why it was withheld;
 *     null when the server sent no error body
 */
public record RefusedNotification(ProgressReport report, String server, int httpStatus, @Nullable String serverMessage) {
  /** The {@link #httpStatus()} of a notification the client withheld from a server it does not trust. */
  public static final int WITHHELD = -1;

  public RefusedNotification {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(server, "server");
  }

  /** True when the client withheld it, false when the server refused it. */
  public boolean withheld() {
    return httpStatus == WITHHELD;
  }

  @Override
  public String toString() {
    return report.type() + (report.notificationId() == null ? "" : " " + report.notificationId()) + " to " + server
        + (withheld() ? " withheld" : " refused with HTTP " + httpStatus)
        + (serverMessage == null ? "" : ": " + serverMessage);
  }
}
