package dev.phonehome.phc.api.device;

/** Syslog severities the engine uses (RFC 5424 names). */
public enum SyslogSeverity {
  ERROR,
  WARNING,
  NOTICE,
  INFO
}
