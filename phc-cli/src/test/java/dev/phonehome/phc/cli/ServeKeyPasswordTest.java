package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code phc serve --tls-key} with a key encrypted by the {@code openssl} command, its password from a file or the environment. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeKeyPasswordTest {
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir Path tmp;
  private Path records;
  private Path cert;
  private Path encryptedKey;
  private TestPki pki;

  @BeforeEach
  void setUp() throws Exception {
    records = Files.createDirectories(tmp.resolve("records"));
    pki = TestPki.create();
    cert = Files.writeString(tmp.resolve("phs.pem"), pki.serverCertificateChainPem());
    Path plain = Files.writeString(tmp.resolve("plain.key"), pki.serverKeyPem());
    encryptedKey = tmp.resolve("phs.key");
    openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain.toString(), "-out", encryptedKey.toString(),
        "-passout", "pass:" + PASSWORD);
    assertThat(Files.readString(encryptedKey)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
  }

  @Test
  void anEncryptedKeyIsReadWithThePasswordFromTheFileAndTheServerPresentsItsCertificate() throws Exception {
    Path passwordFile = Files.writeString(tmp.resolve("key.password"), PASSWORD + "\n");
    try (StandaloneServer server = start(null, "--tls-cert", cert.toString(), "--tls-key", encryptedKey.toString(),
        "--key-password-file", passwordFile.toString())) {
      assertThat(server.certificate()).isEqualTo(pki.serverCertificate());
    }
  }

  @Test
  void anEncryptedKeyIsReadWithThePasswordFromPhcKeyPassword() throws Exception {
    try (StandaloneServer server = start(PASSWORD, "--tls-cert", cert.toString(), "--tls-key",
        encryptedKey.toString())) {
      assertThat(server.certificate()).isEqualTo(pki.serverCertificate());
    }
  }

  @Test
  void aWrongPasswordIsAUsageErrorNamingTheKeyFileAndWhereThePasswordCameFrom() throws Exception {
    Path passwordFile = Files.writeString(tmp.resolve("key.password"), "not the password\n");
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--tls-cert", cert.toString(),
        "--tls-key", encryptedKey.toString(), "--key-password-file", passwordFile.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().strip()).isEqualTo("phc serve: --tls-key " + encryptedKey + ": wrong password for the encrypted"
        + " private key (the password from --key-password-file " + passwordFile + " does not decrypt it)");
  }

  @Test
  void anEncryptedKeyWithoutAPasswordIsAUsageErrorSayingHowToGiveIt() {
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--tls-cert", cert.toString(),
        "--tls-key", encryptedKey.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err().strip()).isEqualTo("phc serve: --tls-key " + encryptedKey + ": the private key is encrypted;"
        + " give its password in a file (--key-password-file FILE) or in the environment variable PHC_KEY_PASSWORD");
  }

  @Test
  void aPasswordOnTheCommandLineIsRefusedSayingWhereToPutIt() {
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--tls-cert", cert.toString(),
        "--tls-key", encryptedKey.toString(), "--key-password", PASSWORD);
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--key-password: a password on the command line is visible to every user",
        "--key-password-file FILE", "PHC_KEY_PASSWORD");
    assertThat(CliRun.of("serve", "--help").out()).contains("--key-password-file=FILE")
        .doesNotContain("--key-password=");
  }

  @Test
  void aPasswordFileWithoutATlsKeyIsAUsageError() throws Exception {
    Path passwordFile = Files.writeString(tmp.resolve("key.password"), PASSWORD + "\n");
    CliRun r = CliRun.of("serve", "--records", records.toString(), "--port", "0", "--key-password-file",
        passwordFile.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--key-password-file is the password of --tls-key: give --tls-cert and --tls-key"
        + " with it");
  }

  private StandaloneServer start(String environmentPassword, String... tlsArgs) {
    CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
    String[] args = new String[5 + tlsArgs.length];
    System.arraycopy(new String[] {"serve", "--records", records.toString(), "--port", "0"}, 0, args, 0, 5);
    System.arraycopy(tlsArgs, 0, args, 5, tlsArgs.length);
    cl.parseArgs(args);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    serve.environment = name -> name.equals(ServeCommand.KEY_PASSWORD_ENV) ? environmentPassword : null;
    return serve.start();
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    boolean present = new ProcessBuilder("sh", "-c", "command -v openssl").start().waitFor() == 0;
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("openssl is needed to encrypt the key in CI (.ci/run installs it: apt-get install openssl)");
    }
    assumeTrue(present, "openssl not installed");
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }
}
