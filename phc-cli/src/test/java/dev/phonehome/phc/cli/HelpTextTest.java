package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code phc ... --help} prints, for every command: 80 columns, no word or URL cut at a line end, the
 * command lists giving each command's whole first sentence, the examples as written.
 */
class HelpTextTest {
  private static final int WIDTH = 80;

  /** Every command and subcommand ("phc", "phc serve", "phc records import", ...) with its {@code --help} output. */
  private static Map<String, String> everyHelp() {
    Map<String, String> help = new LinkedHashMap<>();
    collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
        new ArrayList<>(), help);
    return help;
  }

  private static void collect(CommandLine cl, List<String> path, Map<String, String> help) {
    CliRun r = CliRun.of(concat(path, "--help"));
    assertThat(r.exitCode()).as(String.join(" ", path) + " --help: " + r.err()).isZero();
    help.put(String.join(" ", concat(List.of("phc"), path.toArray(new String[0]))), r.out());
    cl.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        List<String> p = new ArrayList<>(path);
        p.add(name);
        collect(sub, p, help);
      }
    });
  }

  private static String[] concat(List<String> path, String... more) {
    List<String> all = new ArrayList<>(path);
    all.addAll(List.of(more));
    return all.toArray(new String[0]);
  }

  @Test
  void everyCommandHasHelpIncludingSimulateWhoseVersionOptionIsTheJunosRelease() {
    Map<String, String> help = everyHelp();
    assertThat(help.keySet()).contains("phc", "phc demo", "phc serve", "phc status", "phc records",
        "phc records import", "phc records export", "phc records list", "phc provision", "phc simulate");
    assertThat(help.get("phc simulate")).contains("Usage: phc simulate [-h]", "--version=JUNOS", "Examples:");
  }

  @Test
  void everyLineFitsEightyColumnsUnlessItIsOneWholeUrl() {
    everyHelp().forEach((command, text) -> text.lines()
        .filter(l -> l.length() > WIDTH)
        .forEach(l -> assertThat(l.strip()).as(command + " --help: line longer than " + WIDTH + ": " + l)
            .matches("https://\\S+")));
  }

  @Test
  void noWordOrUrlIsCutAtALineEnd() {
    List<String> cuts = new ArrayList<>();
    everyHelp().forEach((command, text) -> {
      // The same help 1000 columns wide is not wrapped at all: its words are the whole words.
      CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
      for (String name : command.split(" ")) {
        if (!name.equals("phc")) {
          cl = cl.getSubcommands().get(name);
        }
      }
      cl.setUsageHelpWidth(1000);
      java.util.Set<String> words = new java.util.HashSet<>(List.of(cl.getUsageMessage().split("\\s+")));
      List<String> lines = text.lines().toList();
      for (int i = 0; i + 1 < lines.size(); i++) {
        String[] before = lines.get(i).strip().split("\\s+");
        String[] after = lines.get(i + 1).strip().split("\\s+");
        String joined = before[before.length - 1] + after[0];
        if (!lines.get(i).isBlank() && !lines.get(i + 1).isBlank() && words.contains(joined)) {
          cuts.add(command + " --help cuts \"" + joined + "\":\n" + lines.get(i) + "\n" + lines.get(i + 1));
        }
      }
    });
    assertThat(cuts).isEmpty();
  }

  @Test
  void theCommandListsGiveEachCommandsWholeFirstSentence() {
    CommandLine phc = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    assertCommandList(CliRun.of("--help").out(), phc);
    assertCommandList(CliRun.of("records", "--help").out(), phc.getSubcommands().get("records"));
  }

  private static void assertCommandList(String help, CommandLine parent) {
    String list = help.substring(help.indexOf("Commands:"));
    list = list.substring(0, list.indexOf(System.lineSeparator() + System.lineSeparator()));
    Map<String, String> summaries = new LinkedHashMap<>();
    String current = null;
    for (String line : list.lines().skip(1).toList()) {
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        String[] nameAndText = line.strip().split("\\s+", 2);
        current = nameAndText[0];
        summaries.put(current, nameAndText[1]);
      } else {
        summaries.put(current, summaries.get(current) + " " + line.strip());
      }
    }
    parent.getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) {
        return;   // picocli's own
      }
      String first = sub.getCommandSpec().usageMessage().description()[0];
      assertThat(summaries.get(name)).as("summary of " + name).isEqualTo(first).endsWith(".");
    });
  }

  @Test
  void examplesArePrintedAsWritten() {
    CommandLine phc = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    assertExamples(phc, CliRun.of("--help").out());
    phc.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        assertExamples(sub, CliRun.of(name, "--help").out());
      }
    });
    assertThat(CliRun.of("serve", "--help").out()).contains(System.lineSeparator()
        + "      https://127.0.0.1:8443/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=PE3714100218"
        + System.lineSeparator());
  }

  private static void assertExamples(CommandLine cl, String help) {
    String[] footer = cl.getCommandSpec().usageMessage().footer();
    assertThat(footer).as(cl.getCommandName() + " has examples").isNotEmpty();
    assertThat(help).contains("Examples:" + System.lineSeparator()
        + String.join(System.lineSeparator(), footer) + System.lineSeparator());
  }
}
