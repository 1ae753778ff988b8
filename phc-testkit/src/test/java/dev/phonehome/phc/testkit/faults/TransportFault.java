package dev.phonehome.phc.testkit.faults;

/** What happens to one HTTP call to the phone-home server in a fault schedule. */
public enum TransportFault {
  /** The request never reaches the server (connection reset). */
  LOSE_REQUEST,
  /** The server handles it, the answer is lost (connection reset): the client sends it again. */
  LOSE_ANSWER,
  /** The server answers 503 with Retry-After (as when its store fails). */
  UNAVAILABLE,
  /** The process dies before the request is sent. */
  CRASH_BEFORE_SEND,
  /** The server took it; the process dies before hearing the answer (a notification sent, its save not done). */
  CRASH_AFTER_SEND
}
