package dev.phonehome.phc.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's code comes from compiled files: each block preceded by
 * {@code <!-- snippet: PATH#NAME -->} equals the region between {@code // snippet:NAME} and
 * {@code // end-snippet} of PATH (an example project that {@code mvn verify} builds and tests), with its common
 * indentation removed. Edit the example, then paste the region into the README (or the reverse).
 */
class ReadmeSnippetsTest {
  private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)\\n```",
      Pattern.DOTALL);

  @Test
  void everyMarkedReadmeBlockEqualsItsRegionInTheExamples() throws IOException {
    String readme = Files.readString(root().resolve("README.md"), StandardCharsets.UTF_8);
    Matcher m = MARKER.matcher(readme);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      String file = m.group(1);
      String name = m.group(2);
      assertThat(m.group(3)).as("README block %s#%s", file, name).isEqualTo(region(root().resolve(file), name));
      checked.add(file + "#" + name);
    }
    assertThat(checked).as("snippets in README.md").contains(
        "examples/offbox-agent/src/main/java/com/example/agent/Agent.java#engine",
        "examples/nms-server/src/main/java/com/example/nms/NmsServer.java#server",
        "examples/testkit-junit/src/test/java/com/example/testing/StrictModeTest.java#strict-mode-test",
        "examples/testkit-junit/src/test/java/com/example/testing/ImageUpgradeTest.java#image-upgrade-test");
    assertThat(readme.split("<!-- snippet: ", -1).length - 1).as("markers that were not followed by a java block")
        .isEqualTo(checked.size());
  }

  @Test
  void theTestingRecipeIsAtMostFifteenLines() throws IOException {
    String recipe = region(root().resolve(
        "examples/testkit-junit/src/test/java/com/example/testing/StrictModeTest.java"), "strict-mode-test");
    assertThat(recipe.split("\n")).hasSizeLessThanOrEqualTo(15);
  }

  private static String region(Path file, String name) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (start < 0 && t.equals("// snippet:" + name)) {
        start = i + 1;
      } else if (start >= 0 && t.equals("// end-snippet")) {
        end = i;
        break;
      }
    }
    assertThat(start).as("// snippet:%s in %s", name, file).isPositive();
    assertThat(end).as("// end-snippet after snippet:%s in %s", name, file).isGreaterThanOrEqualTo(start);
    List<String> region = lines.subList(start, end);
    int indent = Integer.MAX_VALUE;
    for (String l : region) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String l : region) {
      b.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    }
    return b.substring(0, b.length() - 1);
  }

  private static Path root() {
    return Path.of(System.getProperty("phc.root"));
  }
}
