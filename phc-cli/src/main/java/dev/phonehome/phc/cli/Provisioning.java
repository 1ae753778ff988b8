package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.StartConditionsNotMetException;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RefusedNotification;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/** Runs the client engine for {@code phc provision}: the off-box agent over NETCONF/SSH. */
final class Provisioning {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private Provisioning() {}

  static int runAgent(ProvisionCommand o, PrintWriter out) {
    HostKeyVerification hostKeys = hostKeys(o);
    JunosDeviceOperations.Builder db = JunosDeviceOperations.builder().host(o.host).port(o.port)
        .hostKeyVerification(hostKeys);
    if (o.credentials.passwordFile != null) {
      db.password(o.user, Inputs.passwordFrom("--password-file", o.credentials.passwordFile));
    } else {
      db.keyPair(o.user, keyPair(o.credentials.keyFile));
    }
    TrustSetup trust = trust(o);
    out.println("phc provision: " + o.user + "@" + o.host + ":" + o.port + " (NETCONF over SSH), "
        + o.dialect + " dialect, servers " + o.phs + ", "
        + (o.rounds == 0 ? "retrying until provisioned (Ctrl-C stops; the state is kept on the VC)"
            : o.rounds + " round(s) over the server list"));
    out.flush();
    try (JunosDeviceOperations device = db.build()) {
      PhoneHomeClient.Builder cb = PhoneHomeClient.builder()
          .bootstrapServers(o.phs.toArray(new String[0]))
          .dialect(o.dialect.dialect())
          .deviceOperations(device)
          .maxRounds(o.rounds)
          .memberDetectionTimeout(o.memberDetectionTimeout)
          .detectionPollInterval(o.detectionPoll)
          .eventListener(new Printer(out));
      if (trust != null) {
        cb.sslContext(trust.context, trust.trustManager);
      }
      if (o.serial != null) {
        cb.serialNumber(o.serial);
      }
      if (o.activationCodeFile != null) {
        cb.activationCode(Inputs.passwordFrom("--activation-code-file", o.activationCodeFile));
      }
      cb.unauthorizedMeansNotClaimed(o.unauthorizedMeansNotClaimed);
      if (o.overrideStartConditions != null) {
        cb.overrideStartConditions(o.overrideStartConditions);
      }
      PhoneHomeResult result;
      try (PhoneHomeClient client = cb.build()) {
        result = client.run();
      }
      if (result.alreadyCompleted()) {
        out.println("The VC completed phone-home before; it does not run again until zeroized.");
      }
      for (MemberOutcome m : result.members()) {
        out.println("  member " + m.memberId() + " " + m.serialNumber() + ": " + m.status());
      }
      out.println("Provisioned from " + result.provisioningServer()
          + (result.failedMembers().isEmpty() ? "" : " with " + result.failedMembers().size() + " failed member(s)"));
      // What went wrong on the way, so that an operator does not have to dig in the log: servers that failed
      // before one provisioned the VC, and notifications the server did not take.
      result.lastErrors().forEach((server, error) -> out.println("  server " + server + " failed: " + error));
      for (RefusedNotification n : result.notificationsRefused()) {
        out.println("  notification " + n.report().type().name() + " refused by " + n.server()
            + (n.httpStatus() == RefusedNotification.WITHHELD ? " (withheld: server not trusted)"
                : " (HTTP " + n.httpStatus() + (n.serverMessage() == null ? "" : ": " + n.serverMessage()) + ")"));
      }
      if (!result.notificationsQueued().isEmpty()) {
        out.println("  " + result.notificationsQueued().size() + " notification(s) not delivered yet (kept in the"
            + " state on the VC; the next run delivers them)");
      }
      out.flush();
      return ExitCodes.OK;
    } catch (BootstrapFailedException e) {
      throw new CliException(ExitCodes.PROVISIONING_FAILED, "provisioning failed: " + e.getMessage(), e);
    } catch (StartConditionsNotMetException e) {
      throw new CliException(ExitCodes.PROVISIONING_FAILED, "device " + o.host + ": " + e.getMessage()
          .replace("PhoneHomeClient.Builder.overrideStartConditions(reason)", "--override-start-conditions REASON")
          + "; nothing was changed on the VC", e);
    } catch (PhcDeviceException e) {
      throw new CliException(ExitCodes.PROVISIONING_FAILED, "device " + o.host + ": " + e.getMessage()
          + " (the process state is kept on the VC: run again to resume)", e);
    } catch (PhcException e) {
      throw new CliException(ExitCodes.PROVISIONING_FAILED, "provisioning failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.PROVISIONING_FAILED, "interrupted; the process state is kept on the VC", e);
    }
  }

  private static HostKeyVerification hostKeys(ProvisionCommand o) {
    if (o.acceptAnyHostKey) {
      return HostKeyVerification.acceptAnyForLabUseOnly();
    }
    Path kh = o.knownHosts != null ? o.knownHosts
        : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    if (!Files.isReadable(kh)) {
      throw CliException.badInput("--known-hosts " + kh + ": not readable; the VC's SSH host key must be known"
          + " (ssh-keyscan -p " + o.port + " " + o.host + " >> " + kh + "), or use --insecure-accept-any-host-key in a lab");
    }
    return HostKeyVerification.knownHosts(kh);
  }

  static KeyPair keyPair(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in,
          FilePasswordProvider.EMPTY);
      Iterator<KeyPair> it = keys == null ? null : keys.iterator();
      if (it == null || !it.hasNext()) {
        throw CliException.badInput("--key " + file + ": no private key found (expected OpenSSH or PEM format)");
      }
      return it.next();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof CliException c) {
        throw c;
      }
      throw CliException.badInput("--key " + file + ": cannot read the private key: " + e.getMessage()
          + " (encrypted keys are not supported; use an agent-less unencrypted key or --password-file)", e);
    }
  }

  record TrustSetup(SSLContext context, X509TrustManager trustManager) {}

  private static TrustSetup trust(ProvisionCommand o) {
    return trust(o.trustFingerprints, o.caFile);
  }

  /** The PHS trust of {@code --trust-fingerprint} / {@code --ca-file}, or null for the system trust store. */
  static TrustSetup trust(List<String> trustFingerprints, Path caFile) {
    try {
      if (!trustFingerprints.isEmpty()) {
        if (trustFingerprints.size() > 1) {
          throw CliException.badInput("--trust-fingerprint: give it once (one self-signed server)");
        }
        PinnedTrust tm = new PinnedTrust(trustFingerprints.get(0));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
        return new TrustSetup(ctx, tm);
      }
      if (caFile != null) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int i = 0;
        try (InputStream in = Files.newInputStream(caFile)) {
          for (java.security.cert.Certificate c : cf.generateCertificates(in)) {
            ks.setCertificateEntry("ca" + i++, c);
          }
        }
        if (i == 0) {
          throw CliException.badInput("--ca-file " + caFile + ": no certificate found (expected PEM)");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
        return new TrustSetup(ctx, tm);
      }
      return null;
    } catch (IOException | GeneralSecurityException e) {
      throw CliException.badInput("--ca-file " + caFile + ": cannot read certificates: " + e.getMessage(), e);
    }
  }

  /** Prints what the engine does, one line per event. */
  private static final class Printer implements PhoneHomeEventListener {
    private final PrintWriter out;

    Printer(PrintWriter out) {
      this.out = out;
    }

    private void p(String s) {
      out.println(TIME.format(Instant.now()) + "  " + s);
      out.flush();
    }

    @Override
    public void runResumed(String step) {
      p("resuming from step " + step + " (state found on the VC)");
    }

    @Override
    public void stepStarted(String step) {
      p("step " + step);
    }

    @Override
    public void serverRequested(String serverUrl) {
      p("-> asking " + serverUrl);
    }

    @Override
    public void serverFailed(String serverUrl, PhcException error) {
      p("!! " + serverUrl + ": " + error.getMessage());
    }

    @Override
    public void redirected(String serverUrl, int count) {
      p("<- " + serverUrl + " redirects to " + count + " server(s)");
    }

    @Override
    public void onboardingReceived(String serverUrl) {
      p("<- onboarding information from " + serverUrl);
    }

    @Override
    public void imageDownloadStarted(String uri, int attempt, long resumeFrom) {
      p("-> image download " + uri + " (attempt " + attempt + ")");
    }

    @Override
    public void imageDownloadFailed(String uri, int attempt, String reason) {
      p("!! image download attempt " + attempt + ": " + reason);
    }

    @Override
    public void imageStaged(String path, long size) {
      p("<- image staged at " + path + (size >= 0 ? " (" + size + " bytes)" : "") + ", checksums verified");
    }

    @Override
    public void notificationDelivered(ProgressReport report) {
      p(report.type().name() + (report.message() == null ? "" : ": " + report.message()));
    }

    @Override
    public void runCompleted() {
      p("completed");
    }

    @Override
    public void runFailed(PhcException error) {
      p("FAILED: " + error.getMessage());
    }
  }
}
