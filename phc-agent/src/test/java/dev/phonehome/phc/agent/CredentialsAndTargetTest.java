package dev.phonehome.phc.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcDeviceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a VC is queued with, and how an agent turns its credentials name into a login. */
class CredentialsAndTargetTest {
  @TempDir Path dir;

  @Test
  void aCredentialsFileGivesAUserAndAPassword() throws Exception {
    Files.writeString(dir.resolve("lab-vcs"), "# lab switches\nusername=phc-agent\npassword=s3cret pass\n");
    SshCredentials c = CredentialsResolver.directory(dir).resolve("lab-vcs");
    assertThat(c.username()).isEqualTo("phc-agent");
    assertThat(c.password()).isEqualTo("s3cret pass");
    assertThat(c.keyPair()).isNull();
    assertThat(c.toString()).doesNotContain("s3cret");
  }

  @Test
  void aCredentialsFileCanNameAPrivateKeyRelativeToTheDirectory() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(dir.resolve("id_rsa"), pem);
    Files.writeString(dir.resolve("keyed"), "username=ops\nkey=id_rsa\n");
    SshCredentials c = CredentialsResolver.directory(dir).resolve("keyed");
    assertThat(c.username()).isEqualTo("ops");
    assertThat(c.password()).isNull();
    assertThat(c.keyPair()).isNotNull();
    assertThat(c.keyPair().getPublic().getAlgorithm()).isEqualTo("RSA");
  }

  @Test
  void missingOrIncompleteCredentialsNameTheFileAndTheProblem() throws Exception {
    CredentialsResolver r = CredentialsResolver.directory(dir);
    assertThatThrownBy(() -> r.resolve("nope")).isInstanceOf(PhcDeviceException.class)
        .hasMessage("credentials: credentials 'nope': no file " + dir.resolve("nope"));
    Files.writeString(dir.resolve("nouser"), "password=x\n");
    assertThatThrownBy(() -> r.resolve("nouser")).hasMessageEndingWith(dir.resolve("nouser") + ": no username= line");
    Files.writeString(dir.resolve("both"), "username=u\npassword=hunter2\nkey=id\n");
    assertThatThrownBy(() -> r.resolve("both")).hasMessageEndingWith("give exactly one of password= and key=")
        .message().doesNotContain("hunter2");
    Files.writeString(dir.resolve("badkey"), "username=u\nkey=missing-key\n");
    assertThatThrownBy(() -> r.resolve("badkey")).hasMessageContaining("cannot read the private key "
        + dir.resolve("missing-key"));
    assertThatThrownBy(() -> r.resolve("../etc/passwd")).hasMessageContaining("not a credentials name");
  }

  @Test
  void aTargetNeedsCredentialsByNameAndAServerAndRefusesASecretInTheirPlace() {
    VcTarget t = VcTarget.builder("10.1.2.3").credentials("lab").bootstrapServers("https://phs:8443").build();
    assertThat(t.name()).isEqualTo("10.1.2.3:830");
    assertThat(t.dialect()).isEqualTo(Dialect.JUNIPER);
    assertThat(t.maxAttempts()).isEqualTo(VcTarget.DEFAULT_MAX_ATTEMPTS);
    assertThat(VcTarget.builder("fe80::1").port(2830).credentials("lab").bootstrapServers("https://phs").build()
        .name()).isEqualTo("[fe80::1]:2830");
    assertThatThrownBy(() -> VcTarget.builder("h").credentials("pa ss/word!").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a secret or a path")
        .message().doesNotContain("pa ss/word!");
    assertThatThrownBy(() -> VcTarget.builder("h").bootstrapServers("https://phs").build())
        .hasMessageContaining("credentials is required");
    assertThatThrownBy(() -> VcTarget.builder("h").credentials("lab").build())
        .hasMessageContaining("bootstrapServers is required");
    assertThatThrownBy(() -> VcTarget.builder("h").credentials("lab").bootstrapServers("https://u:p@phs"))
        .hasMessageContaining("no user information");
    assertThatThrownBy(() -> VcTarget.builder("h").credentials("lab").bootstrapServers("ftp://phs"))
        .hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> VcTarget.builder("a b")).hasMessageContaining("host must be");
    assertThatThrownBy(() -> VcTarget.builder("h").port(0)).hasMessageContaining("port must be 1 to 65535, was 0");
    assertThat(t.toBuilder().build()).isEqualTo(t);
  }
}
