package dev.phonehome.phc.cli;

import dev.phonehome.phc.core.server.FileProvisioningRecords;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import dev.phonehome.phc.store.jdbc.JdbcProvisioningRecords;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code phc records import|export|list}: provisioning records in a database, in the records-directory format. */
@Command(
    name = "records",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Moves provisioning records between a records directory and a database.",
      "The directory holds <serial>.xml, <serial>.json and <serial>.redirect.json files; the database serves"
          + " 'phc serve --database URL' without --records (several servers on one PostgreSQL answer from the same"
          + " records). Files keep their bytes both ways.",
      ""
    },
    subcommands = {RecordsCommand.Import.class, RecordsCommand.Export.class, RecordsCommand.ListRecords.class},
    footerHeading = "%nExamples:%n",
    footer = {
      "  PHC_DATABASE_PASSWORD=... phc records import ./records \\",
      "      --database jdbc:postgresql://db/phc --database-user phc",
      "  phc records export ./backup --database jdbc:postgresql://db/phc \\",
      "      --database-user phc",
      "  phc records list --database jdbc:sqlite:/srv/phc/phc-state.sqlite"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "2:usage error", "3:bad input (a record that does not parse, database unreachable)",
      "4:internal error"})
final class RecordsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "Missing command: choose one of import, export, list");
  }

  /** {@code phc records import DIR}. */
  @Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Checks every record file in DIR, then stores them all in the database.",
        "One transaction: none is stored when one does not parse (the file and line are named). A serial's"
            + " record is replaced."})
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "DIR", description = "The records directory.")
    Path dir;

    @Override
    public Integer call() {
      require(spec, database);
      Inputs.readableDirectory("DIR", dir);
      List<RecordsCheck.Loaded> loaded = RecordsCheck.checkAll(dir, FileProvisioningRecords.open(dir,
          java.time.Duration.ZERO, java.time.Clock.systemUTC()));
      try (JdbcDatabase db = database.open(database.url)) {
        List<String> serials = JdbcProvisioningRecords.create(db).importDirectory(dir);
        PrintWriter out = spec.commandLine().getOut();
        for (RecordsCheck.Loaded l : loaded) {
          out.println("  " + l.serial() + "  " + l.file().getFileName() + "  " + l.kind());
        }
        out.println("imported " + serials.size() + " record(s) from " + dir + " into " + db);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  /** {@code phc records export DIR}. */
  @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Writes every record of the database to DIR as the file it was imported as.",
        "DIR is created when missing; a serial's other record files in DIR are removed (its format changed)."})
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Parameters(index = "0", paramLabel = "DIR", description = "The records directory to write.")
    Path dir;

    @Override
    public Integer call() {
      require(spec, database);
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw CliException.badInput("DIR " + dir + ": exists and is not a directory");
      }
      try (JdbcDatabase db = database.open(database.url)) {
        List<Path> files = JdbcProvisioningRecords.create(db).exportDirectory(dir);
        PrintWriter out = spec.commandLine().getOut();
        out.println("exported " + files.size() + " record(s) from " + db + " to " + dir);
        out.flush();
      } catch (java.io.UncheckedIOException e) {
        throw CliException.badInput("DIR " + dir + ": " + e.getMessage(), e);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code phc records list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Lists the serials that have a record in the database, with the file each came from.")
  static final class ListRecords implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DatabaseOptions database = new DatabaseOptions();

    @Override
    public Integer call() {
      require(spec, database);
      try (JdbcDatabase db = database.open(database.url)) {
        Map<String, String> all = JdbcProvisioningRecords.create(db).list();
        PrintWriter out = spec.commandLine().getOut();
        all.forEach((serial, file) -> out.println(serial + "  " + file));
        out.println(all.size() + " record(s) in " + db);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  static void require(CommandSpec spec, DatabaseOptions database) {
    if (database.url == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--database is required (jdbc:postgresql://HOST/DB or jdbc:sqlite:FILE)");
    }
  }
}
