package dev.phonehome.phc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code phc ARGS} in process and captures exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /**
   * Runs {@code phc ARGS} in a new JVM without the capabilities that let root ignore file permissions
   * ({@code setpriv} drops {@code CAP_DAC_OVERRIDE} and {@code CAP_DAC_READ_SEARCH}), so that a test of an
   * unreadable file means the same as root (CI) as for any other user. Ends within 60 seconds.
   */
  static CliRun withFilePermissionsEnforced(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
        "--bounding-set=-dac_override,-dac_read_search", "--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "phc-out", ".txt");
    Path err = Files.createTempFile(workDir, "phc-err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("phc " + String.join(" ", args) + " did not end within 60 s");
    }
    return new CliRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Whether {@code setpriv} (util-linux) can be run here. */
  static boolean setprivAvailable() {
    return toolRuns("setpriv");
  }

  /** Whether {@code tool --version} runs here and exits 0 within 10 s. */
  static boolean toolRuns(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
