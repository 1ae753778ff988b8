package dev.phonehome.phc.cli;

/** Entry point of {@code java -jar phc-cli/target/phc.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("phc: the command line is being built; see README.md");
  }
}
