package dev.phonehome.phc.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory store: one file per serial in either dialect's document, re-read when it changes. */
class FileProvisioningRecordsTest {
  @TempDir
  Path dir;

  @Test
  void readsJuniperDeviceXml() throws IOException {
    Files.write(dir.resolve("PE3714100218.xml"),
        JuniperXmlCodec.encodeDevice(new JuniperDevice("PE3714100218", Fixtures.onboarding("sw-a"))));
    ProvisioningRecord r = FileProvisioningRecords.open(dir).find("PE3714100218").orElseThrow();
    assertThat(r.conveyedInformation()).isInstanceOf(OnboardingInformation.class);
    assertThat(((OnboardingInformation) r.conveyedInformation()).configuration().utf8()).contains("sw-a");
  }

  @Test
  void readsRfc8572OnboardingAndRedirectJson() throws IOException {
    Files.write(dir.resolve("A1.json"), Rfc8572Codec.encodeConveyedInformation(Fixtures.onboarding("sw-j"), Encoding.JSON));
    Files.write(dir.resolve("R1.redirect.json"), Rfc8572Codec.encodeConveyedInformation(Fixtures.redirect(), Encoding.JSON));
    FileProvisioningRecords store = FileProvisioningRecords.open(dir);
    assertThat(store.find("A1").orElseThrow().conveyedInformation()).isInstanceOf(OnboardingInformation.class);
    assertThat(store.find("R1").orElseThrow().conveyedInformation()).isInstanceOf(RedirectInformation.class);
    assertThat(store.find("NOPE")).isEmpty();
  }

  @Test
  void rereadsAFileWhenItChanges() throws IOException {
    Path f = dir.resolve("A1.xml");
    Files.write(f, JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("first"))));
    FileProvisioningRecords store = FileProvisioningRecords.open(dir);
    ProvisioningRecord first = store.find("A1").orElseThrow();
    assertThat(store.find("A1").orElseThrow()).isSameAs(first);
    Files.write(f, JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("second-version"))));
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    ProvisioningRecord second = store.find("A1").orElseThrow();
    assertThat(((OnboardingInformation) second.conveyedInformation()).configuration().utf8()).contains("second-version");
    assertThat(second.version()).isNotEqualTo(first.version());
    Files.delete(f);
    assertThat(store.find("A1")).isEmpty();
  }

  @Test
  void twoFilesForOneSerialIsAnErrorNamingThem() throws IOException {
    Files.write(dir.resolve("A1.xml"), JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("x"))));
    Files.write(dir.resolve("A1.json"), Rfc8572Codec.encodeConveyedInformation(Fixtures.onboarding("y"), Encoding.JSON));
    assertThatThrownBy(() -> FileProvisioningRecords.open(dir).find("A1"))
        .isInstanceOf(PhcProtocolException.class).hasMessageContaining("more than one record file").hasMessageContaining("A1.json");
  }

  @Test
  void brokenFileIsAnErrorNamingTheFileAndTheServerAnswers500() throws IOException {
    settled(Files.writeString(dir.resolve("A1.xml"), "<device><unique-id>A1</unique-id><boot-image>"));
    FileProvisioningRecords store = FileProvisioningRecords.open(dir);
    assertThatThrownBy(() -> store.find("A1")).isInstanceOf(PhcProtocolException.class).hasMessageContaining("A1.xml");
    PhoneHomeServer server = PhoneHomeServer.builder().records(store).build();
    ServerResponse r = server.handler().handle(ServerRequest.builder("GET",
        "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=A1")
        .addHeader("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("A1:".getBytes())).build());
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.bodyText()).contains("cannot be read");
  }

  @Test
  void aHalfWrittenFileServesTheLastGoodVersionUntilItIsComplete() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    Path f = dir.resolve("A1.xml");
    byte[] second = JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("second-version")));
    writeAt(f, JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("first"))), clock.instant());
    FileProvisioningRecords store = FileProvisioningRecords.open(dir, Duration.ofSeconds(1), clock);
    ProvisioningRecord first = store.find("A1").orElseThrow();

    clock.advance(Duration.ofMinutes(1));
    writeAt(f, java.util.Arrays.copyOf(second, second.length / 2), clock.instant());     // the writer is half way
    assertThat(store.find("A1")).containsSame(first);
    clock.advance(Duration.ofMillis(900));
    assertThat(store.find("A1")).as("still within the settle time").containsSame(first);

    writeAt(f, second, clock.instant());                                                 // the write completes
    assertThat(((OnboardingInformation) store.find("A1").orElseThrow().conveyedInformation()).configuration().utf8())
        .contains("second-version");
  }

  @Test
  void aNewFileBeingWrittenIsNotClaimedUntilItIsComplete() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    Path f = dir.resolve("A1.xml");
    writeAt(f, new byte[0], clock.instant());                                            // created, nothing written yet
    FileProvisioningRecords store = FileProvisioningRecords.open(dir, Duration.ofSeconds(1), clock);
    assertThat(store.find("A1")).isEmpty();
    writeAt(f, JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("new"))), clock.instant());
    assertThat(store.find("A1")).isPresent();
  }

  @Test
  void aFileStillBrokenAfterTheSettleTimeIsAnErrorNamingTheFileAndLine() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T12:00:00Z"));
    Path f = dir.resolve("A1.xml");
    writeAt(f, JuniperXmlCodec.encodeDevice(new JuniperDevice("A1", Fixtures.onboarding("first"))), clock.instant());
    FileProvisioningRecords store = FileProvisioningRecords.open(dir, Duration.ofSeconds(1), clock);
    ProvisioningRecord first = store.find("A1").orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    writeAt(f, "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">\n<unique-id>A1</unique-id>\n<conf"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8), clock.instant());
    assertThat(store.find("A1")).containsSame(first);
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> store.find("A1")).isInstanceOf(PhcProtocolException.class)
        .hasMessageStartingWith("record file " + f + ": malformed XML (line 3, column 6)");
    assertThatThrownBy(() -> FileProvisioningRecords.open(dir, Duration.ZERO, clock).find("A1"))
        .as("a settle time of zero checks strictly").isInstanceOf(PhcProtocolException.class);
  }

  private static void writeAt(Path f, byte[] content, Instant modified) throws IOException {
    Files.write(f, content);
    Files.setLastModifiedTime(f, FileTime.from(modified));
  }

  /** A file last modified a minute ago: not being written any more. */
  private static Path settled(Path f) throws IOException {
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
    return f;
  }

  @Test
  void uniqueIdMustMatchTheFileName() throws IOException {
    settled(Files.write(dir.resolve("A1.xml"), JuniperXmlCodec.encodeDevice(new JuniperDevice("B2", Fixtures.onboarding("x")))));
    assertThatThrownBy(() -> FileProvisioningRecords.open(dir).find("A1")).hasMessageContaining("unique-id 'B2'");
  }

  @Test
  void onboardingInRedirectFileIsRefused() throws IOException {
    settled(Files.write(dir.resolve("A1.redirect.json"), Rfc8572Codec.encodeConveyedInformation(Fixtures.onboarding("x"),
        Encoding.JSON)));
    assertThatThrownBy(() -> FileProvisioningRecords.open(dir).find("A1")).hasMessageContaining("must hold redirect-information");
  }

  @Test
  void pathTricksNeverReachTheFileSystem() throws IOException {
    Files.writeString(dir.resolve("secret.xml"), "x");
    FileProvisioningRecords store = FileProvisioningRecords.open(dir.resolve(".").normalize());
    assertThat(store.find("../secret")).isEmpty();
    assertThat(store.find("sub/secret")).isEmpty();
    assertThat(store.find("")).isEmpty();
    assertThatThrownBy(() -> FileProvisioningRecords.open(dir.resolve("missing"))).hasMessageContaining("not a directory");
  }
}
