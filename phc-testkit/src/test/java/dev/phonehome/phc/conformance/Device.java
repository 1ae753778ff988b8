package dev.phonehome.phc.conformance;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport;
import dev.phonehome.phc.core.internal.engine.EngineState;
import dev.phonehome.phc.core.internal.engine.HttpBootstrapTransport;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the conformance tests: phc's real HTTPS transport (what {@code PhoneHomeClient} uses),
 * trusting {@code pki}'s TLS CA, speaking as serial {@link Records#DEVICE}.
 */
final class Device implements AutoCloseable {
  final OkHttpClient http;
  final HttpBootstrapTransport transport;

  private Device(OkHttpClient http, HttpBootstrapTransport transport) {
    this.http = http;
    this.transport = transport;
  }

  static Builder builder(TestPki pki) {
    return new Builder(pki);
  }

  BootstrapTransport.Answer fetch(String url) {
    return transport.fetch(new EngineState.Server(url, null), BootstrapRequest.of(Records.DEVICE));
  }

  BootstrapTransport.Answer fetch(String url, BootstrapRequest request) {
    return transport.fetch(new EngineState.Server(url, null), request);
  }

  BootstrapTransport.ReportOutcome report(String url, ProgressReport report) {
    return transport.report(new EngineState.Server(url, null), report);
  }

  @Override
  public void close() {
    transport.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** An unsigned {@code get-bootstrapping-data} output around a conveyed-information document. */
  static String unsignedOutput(String document, Encoding documentEncoding, Encoding outputEncoding) {
    Bytes cms = ConveyedInformationCms.wrapUnsigned(document.getBytes(StandardCharsets.UTF_8), documentEncoding);
    return new String(Rfc8572Codec.encodeBootstrappingData(new BootstrappingData(null, cms, null, null),
        outputEncoding), StandardCharsets.UTF_8);
  }

  /** An unsigned JSON output around a JSON onboarding-information body (the members inside it). */
  static String onboardingJson(String members) {
    return unsignedOutput("{\"ietf-sztp-conveyed-info:onboarding-information\":{" + members + "}}", Encoding.JSON,
        Encoding.JSON);
  }

  static final class Builder {
    private final TestPki pki;
    private Dialect dialect = Dialect.RFC8572;
    private Encoding encoding = Encoding.JSON;
    private String password = Records.SECRET;
    private @Nullable ConveyedInformationVerifier verifier;
    private boolean provisional;
    private boolean unauthorizedMeansNotClaimed;
    private Clock clock = Clock.systemUTC();

    private Builder(TestPki pki) {
      this.pki = pki;
    }

    Builder dialect(Dialect d) {
      this.dialect = d;
      return this;
    }

    Builder encoding(Encoding e) {
      this.encoding = e;
      return this;
    }

    Builder password(String p) {
      this.password = p;
      return this;
    }

    Builder verifier(ConveyedInformationVerifier v) {
      this.verifier = v;
      return this;
    }

    Builder provisional() {
      this.provisional = true;
      return this;
    }

    Builder unauthorizedMeansNotClaimed() {
      this.unauthorizedMeansNotClaimed = true;
      return this;
    }

    Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    Device build() {
      OkHttpClient http = new OkHttpClient.Builder()
          .sslSocketFactory(pki.clientSslContext(null).getSocketFactory(), pki.clientTrustManager())
          .callTimeout(Duration.ofSeconds(20)).retryOnConnectionFailure(false).build();
      HttpBootstrapTransport t = new HttpBootstrapTransport(http, dialect, encoding, Records.DEVICE, password, null,
          verifier, clock, CodecLimits.DEFAULT, provisional ? new Random(1) : null, unauthorizedMeansNotClaimed);
      return new Device(http, t);
    }
  }
}
