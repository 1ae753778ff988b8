package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads every record file in a records directory through the server's store and reports the first problem as
 * {@code FILE:LINE: message}, so that {@code phc serve} refuses to start on a typo instead of answering that
 * device 500 later.
 */
final class RecordsCheck {
  private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,63}");

  /** One loaded record: file, serial and what it conveys. */
  record Loaded(Path file, String serial, String kind) {}

  /** A problem in one file, with the line when known. */
  record Problem(Path file, Optional<Integer> line, String message) {
    String describe() {
      return file + line.map(l -> ":" + l).orElse("") + ": " + message;
    }
  }

  private RecordsCheck() {}

  /** The serial a file name stands for, or empty when the file is not a record file. */
  static Optional<String> serialOf(Path file) {
    String name = file.getFileName().toString();
    String serial;
    if (name.endsWith(".redirect.json")) {
      serial = name.substring(0, name.length() - ".redirect.json".length());
    } else if (name.endsWith(".json")) {
      serial = name.substring(0, name.length() - ".json".length());
    } else if (name.endsWith(".xml")) {
      serial = name.substring(0, name.length() - ".xml".length());
    } else {
      return Optional.empty();
    }
    return SERIAL.matcher(serial).matches() ? Optional.of(serial) : Optional.empty();
  }

  /** Every record file in {@code dir}, sorted by name. */
  static List<Path> recordFiles(Path dir) {
    TreeMap<String, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p) && serialOf(p).isPresent()) {
          files.put(p.getFileName().toString(), p);
        }
      }
    } catch (IOException e) {
      throw CliException.badInput("--records " + dir + ": cannot list the directory: " + e.getMessage(), e);
    }
    return new ArrayList<>(files.values());
  }

  /** Checks one file: syntax with line numbers, then the server's own reading of it. */
  static Optional<Problem> check(Path file, ProvisioningRecords store, List<Loaded> loaded) {
    String serial = serialOf(file).orElseThrow();
    RecordLines lines;
    try {
      lines = RecordLines.index(file);
    } catch (RecordLines.SyntaxError e) {
      return Optional.of(new Problem(file, Optional.of(e.line), e.getMessage() + " (column " + e.column + ")"));
    } catch (IOException e) {
      return Optional.of(new Problem(file, Optional.empty(), "cannot read: " + e.getMessage()));
    }
    try {
      Optional<ProvisioningRecord> r = store.find(serial);
      if (r.isEmpty()) {
        return Optional.of(new Problem(file, Optional.empty(), "the server's store does not see this record"));
      }
      String kind = r.get().conveyedInformation() instanceof RedirectInformation ri
          ? "redirect to " + ri.bootstrapServers().size() + " server(s)"
          : describe((OnboardingInformation) r.get().conveyedInformation());
      loaded.add(new Loaded(file, serial, kind));
      return Optional.empty();
    } catch (PhcProtocolException e) {
      Optional<Integer> line = e.path() == null ? Optional.empty() : lines.lineOf(e.path());
      return Optional.of(new Problem(file, line, stripFile(e.getMessage(), file)));
    } catch (PhcException | IllegalArgumentException | UncheckedIOException e) {
      return Optional.of(new Problem(file, Optional.empty(), stripFile(String.valueOf(e.getMessage()), file)));
    } catch (UnsupportedOperationException e) {
      return Optional.of(new Problem(file, Optional.empty(),
          "this build cannot read records yet (" + e.getMessage() + ")"));
    }
  }

  private static String describe(OnboardingInformation o) {
    List<String> parts = new ArrayList<>();
    if (o.bootImage() != null) {
      parts.add("image " + o.bootImage().fileName());
    }
    if (o.configuration() != null) {
      parts.add("configuration");
    }
    int scripts = o.preConfigurationScripts().size() + o.postConfigurationScripts().size();
    if (scripts > 0) {
      parts.add(scripts + " script(s)");
    }
    switch (o.topology().kind()) {
      case NONE -> parts.add("standalone");
      case MINIMUM -> parts.add("VC (" + o.topology().mode().yangName() + ", members discovered)");
      case FULL -> parts.add("VC (" + o.topology().mode().yangName() + ", " + o.topology().members().size()
          + " members)");
    }
    return String.join(", ", parts);
  }

  private static String stripFile(String message, Path file) {
    return message.replace("record file " + file + ": ", "");
  }

  /** Checks every record kept in a database; throws {@link CliException} (bad input) naming each one that fails. */
  static List<Loaded> checkDatabase(dev.phonehome.phc.store.jdbc.JdbcProvisioningRecords records) {
    List<Loaded> loaded = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (java.util.Map.Entry<String, String> e : records.list().entrySet()) {
      try {
        Optional<ProvisioningRecord> r = records.find(e.getKey());
        if (r.isPresent()) {
          String kind = r.get().conveyedInformation() instanceof RedirectInformation ri
              ? "redirect to " + ri.bootstrapServers().size() + " server(s)"
              : describe((OnboardingInformation) r.get().conveyedInformation());
          loaded.add(new Loaded(Path.of(e.getValue()), e.getKey(), kind));
        }
      } catch (PhcException | IllegalArgumentException e2) {
        problems.add(e.getValue() + ": " + e2.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw CliException.badInput("--database: " + problems.size() + " record(s) do not parse:"
          + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems));
    }
    return loaded;
  }

  /** Checks every record in {@code dir}; throws {@link CliException} (bad input) on the first problem. */
  static List<Loaded> checkAll(Path dir, ProvisioningRecords store) {
    List<Loaded> loaded = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path f : recordFiles(dir)) {
      check(f, store, loaded).ifPresent(problems::add);
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder("--records " + dir + ": ");
      sb.append(problems.size() == 1 ? "a record does not parse:" : problems.size() + " records do not parse:");
      for (Problem p : problems) {
        sb.append(System.lineSeparator()).append("  ").append(p.describe());
      }
      throw CliException.badInput(sb.toString());
    }
    return loaded;
  }
}
