package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.Dialect;

/** The {@code --dialect} values as people type them. */
enum DialectOption {
  juniper(Dialect.JUNIPER),
  rfc8572(Dialect.RFC8572);

  private final Dialect dialect;

  DialectOption(Dialect dialect) {
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }
}
