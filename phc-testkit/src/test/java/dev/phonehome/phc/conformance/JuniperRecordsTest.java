package dev.phonehome.phc.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.server.ClientAuth;
import dev.phonehome.phc.core.server.FileProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by an administrator, served over real HTTPS from a records directory (what {@code phc serve}
 * runs): the Juniper answer keeps every element of the record, and file names cannot be confused across
 * serials.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JuniperRecordsTest {
  private static final TestPki PKI = TestPki.create();
  private static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  @TempDir Path dir;
  private PhoneHomeServer server;
  private final OkHttpClient http = new OkHttpClient.Builder()
      .sslSocketFactory(PKI.clientSslContext(null).getSocketFactory(), PKI.clientTrustManager())
      .callTimeout(Duration.ofSeconds(20)).build();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    http.dispatcher().executorService().shutdown();
  }

  private void serve() {
    server = PhoneHomeServer.builder().records(FileProvisioningRecords.open(dir)).sslContext(PKI.serverSslContext())
        .authenticator(dev.phonehome.phc.core.server.DeviceAuthentication.builder().deviceSecrets(
            dev.phonehome.phc.core.server.DeviceSecrets.of(java.util.Map.of("PE3714100219", "s3cret"))).build())
        .clientAuth(ClientAuth.NONE).build().start();
  }

  private Response get(String serial) throws IOException {
    return http.newCall(new Request.Builder().url(server.url() + DEVICES + serial)
        .header("Authorization", Credentials.basic(serial, "")).build()).execute();
  }

  @Test
  void juniperAnswerServesEveryElementOfTheRecordKnownOrNot() throws IOException {
    String record = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">\n"
        + "  <unique-id>PE3714100218</unique-id>\n"
        + "  <boot-image>\n"
        + "    <name>jinstall-ex-4300-21.4R3.15-signed.tgz</name>\n"
        + "    <md5>0123456789abcdef0123456789abcdef</md5>\n"
        + "    <path>https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz</path>\n"
        + "    <signature>c2lnbmF0dXJl</signature>\n"
        + "  </boot-image>\n"
        + "  <operator-note xmlns=\"urn:example:nms\">rack 12, port 7</operator-note>\n"
        + "</device>\n";
    Files.writeString(dir.resolve("PE3714100218.xml"), record);
    serve();
    try (Response r = get("PE3714100218")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo(record);
    }
  }

  @Test
  void rfc8572AnswerFromAJuniperRecordIsEncodedFromTheModel() throws IOException {
    Files.writeString(dir.resolve("PE3714100219.xml"), "<device xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">"
        + "<unique-id>PE3714100219</unique-id><boot-image><name>jinstall-ex-4300-21.4R3.15-signed.tgz</name>"
        + "<sha256>" + "ab".repeat(32) + "</sha256><path>https://i/x.tgz</path><signature/></boot-image></device>");
    serve();
    try (Response r = http.newCall(new Request.Builder().url(server.url()
        + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data")
        .header("Authorization", Credentials.basic("PE3714100219", "s3cret")).header("Accept", Encoding.JSON.mediaType())
        .post(okhttp3.RequestBody.create(new byte[0], null)).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      byte[] doc = ConveyedInformationCms.unwrap(Rfc8572Codec.decodeBootstrappingData(
          new ByteArrayInputStream(r.body().bytes()), Encoding.JSON, CodecLimits.DEFAULT).conveyedInformation())
          .document();
      OnboardingInformation info = (OnboardingInformation) Rfc8572Codec.decodeConveyedInformation(doc,
          Encoding.JSON, CodecLimits.DEFAULT);
      assertThat(info.bootImage().downloadUris()).containsExactly("https://i/x.tgz");
    }
  }

  @Test
  void serialEndingInDotRedirectNeverReadsAnotherSerialsRedirectRecord() throws IOException {
    Files.writeString(dir.resolve("PE1.redirect.json"), "{\"ietf-sztp-conveyed-info:redirect-information\":"
        + "{\"bootstrap-server\":[{\"address\":\"phs.example.net\",\"port\":8443}]}}", StandardCharsets.UTF_8);
    FileProvisioningRecords records = FileProvisioningRecords.open(dir);
    assertThat(records.find("PE1")).get().satisfies(r -> assertThat(r.conveyedInformation())
        .isInstanceOf(RedirectInformation.class));
    assertThat(records.find("PE1.redirect")).isEmpty();
    serve();
    try (Response r = get("PE1.redirect")) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.body().string()).doesNotContain("phs.example.net");
    }
  }
}
