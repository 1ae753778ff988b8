package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.core.server.FileProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The running {@code phc serve}: the PHS ({@link PhoneHomeServer}'s handler over a {@link FileProvisioningRecords}
 * store) on the embedded HTTPS engine, the admin API on the same port when a token is given, a notification
 * journal, a watcher that reports record files as they change, and a shutdown hook.
 */
final class StandaloneServer implements AutoCloseable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final PrintWriter out;
  private final PhoneHomeServer server;
  private final AdminServer admin;
  private final NotificationJournal journal;
  private final WatchService watcher;
  private final URI url;
  private final TlsMaterial tls;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread hook;
  private boolean closed;

  private StandaloneServer(PrintWriter out, PhoneHomeServer server, AdminServer admin, NotificationJournal journal,
      WatchService watcher, URI url, TlsMaterial tls) {
    this.tls = tls;
    this.out = out;
    this.server = server;
    this.admin = admin;
    this.journal = journal;
    this.watcher = watcher;
    this.url = url;
    this.hook = new Thread(this::closeFromHook, "phc-serve-shutdown");
  }

  /** The base URL, {@code https://HOST:PORT/}. */
  URI url() {
    return url;
  }

  /** The admin API's base URL (same host, its own port), or null when the admin API is off. */
  URI adminUrl() {
    return admin == null ? null : URI.create("https://" + url.getHost() + ":" + admin.port() + "/");
  }

  /** The certificate the server presents (leaf). */
  java.security.cert.X509Certificate certificate() {
    return tls.chain().get(0);
  }

  PhoneHomeServer server() {
    return server;
  }

  Path notificationsDir() {
    return journal.dir();
  }

  static StandaloneServer start(ServeCommand options, InetAddress address, TlsMaterial tls, PrintWriter out) {
    Path dir = options.records.toAbsolutePath().normalize();
    FileProvisioningRecords files = FileProvisioningRecords.open(dir);
    List<RecordsCheck.Loaded> loaded = RecordsCheck.checkAll(dir, files);
    ProvisioningRecords records = new ModeFilter(files, options.redirect);
    NotificationJournal journal = NotificationJournal.open(options.notificationsDir(), msg -> {
      synchronized (out) {
        out.println("WARNING " + msg);
        out.flush();
      }
    });
    List<java.security.cert.X509Certificate> clientCas = options.clientCa == null ? List.of()
        : TlsMaterial.readCertificates("--client-ca", options.clientCa);
    dev.phonehome.phc.core.server.DeviceAuthentication.Builder auth =
        dev.phonehome.phc.core.server.DeviceAuthentication.builder().manufacturerCas(clientCas)
            .juniperSourceNetworks(options.juniperAllow);
    dev.phonehome.phc.core.server.FileDeviceSecrets secrets = null;
    if (options.deviceSecrets != null) {
      Inputs.readableFile("--device-secrets", options.deviceSecrets);
      try {
        secrets = dev.phonehome.phc.core.server.FileDeviceSecrets.open(options.deviceSecrets);
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        throw CliException.badInput("--device-secrets " + e.getMessage(), e);
      }
      auth.deviceSecrets(secrets);
    }
    if (options.juniperRequireClientCert) {
      auth.juniperRequireClientCertificate();
    }
    auth.juniperDialect(!options.noJuniper);
    PhoneHomeServer server = PhoneHomeServer.builder()
        .records(records)
        .sslContext(tls.sslContext(clientCas))
        .clientAuth(clientCas.isEmpty() ? dev.phonehome.phc.core.server.ClientAuth.NONE
            : dev.phonehome.phc.core.server.ClientAuth.WANT)
        .authenticator(auth.build())
        .compatibility(options.compatibilityProfile())
        .bind(address.getHostAddress(), options.port)
        .addProgressListener(journal)
        .addProgressListener(n -> printNotification(out, n))
        .build();
    try {
      server.start();
    } catch (RuntimeException e) {
      journal.close();
      if (isBindFailure(e)) {
        throw Inputs.portInUse("--port", address, options.port, rootCause(e));
      }
      throw e;
    }
    AdminServer admin = null;
    if (options.adminToken != null) {
      int adminPort = options.adminPort != null ? options.adminPort : options.port == 0 ? 0 : options.port + 1;
      try {
        admin = AdminServer.start(new AdminApi(server.progress(), options.adminToken), tls.sslContext(), address,
            adminPort);
      } catch (IOException e) {
        server.close();
        journal.close();
        throw Inputs.portInUse("--admin-port", address, adminPort, e);
      }
    }
    WatchService watcher;
    try {
      watcher = FileSystems.getDefault().newWatchService();
      dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      server.close();
      if (admin != null) {
        admin.close();
      }
      journal.close();
      throw CliException.badInput("--records " + dir + ": cannot watch the directory for changes: " + e.getMessage(), e);
    }
    String host = address.isAnyLocalAddress() ? "localhost"
        : address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    URI url = URI.create("https://" + host + ":" + server.port() + "/");
    StandaloneServer s = new StandaloneServer(out, server, admin, journal, watcher, url, tls);
    try {
      s.banner(options, tls, dir, loaded, files);
      s.authBanner(options, secrets, clientCas);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(s.hook);
    Thread w = new Thread(() -> s.watch(dir, files), "phc-serve-records-watcher");
    w.setDaemon(true);
    w.start();
    return s;
  }

  private void banner(ServeCommand options, TlsMaterial tls, Path dir, List<RecordsCheck.Loaded> loaded,
      ProvisioningRecords files) {
    synchronized (out) {
      out.println("phc serve " + VersionProvider.version() + ": " + (options.redirect ? "redirect server" : "phone-home server")
          + " listening on " + url);
      if (tls.selfSigned()) {
        out.println("TLS: self-signed certificate (generated), SHA-256 fingerprint");
        out.println("     " + tls.sha256Fingerprint());
      } else {
        out.println("TLS: " + tls.chain().get(0).getSubjectX500Principal().getName() + ", SHA-256 fingerprint");
        out.println("     " + tls.sha256Fingerprint());
      }
      out.println("Records: " + dir + " (" + loaded.size() + " record(s), re-read when files change)");
      int w = loaded.stream().mapToInt(l -> l.serial().length()).max().orElse(0);
      int fw = loaded.stream().mapToInt(l -> l.file().getFileName().toString().length()).max().orElse(0);
      for (RecordsCheck.Loaded l : loaded) {
        boolean isRedirect = l.kind().startsWith("redirect");
        String note = isRedirect != options.redirect
            ? "   [ignored: " + (options.redirect ? "not redirect information; serve without --redirect" :
                "redirect information; serve with --redirect") + "]"
            : "";
        out.println("  " + pad(l.serial(), w) + "  " + pad(l.file().getFileName().toString(), fw) + "  " + l.kind()
            + note);
      }
      out.println("Juniper dialect: GET " + url + "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=<serial>");
      out.println("RFC 8572:        POST " + url + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data");
      out.println("Notifications:   " + journal.dir() + "/<serial>.jsonl");
      out.println("Admin API:       " + (options.adminToken == null ? "off (start with --admin-token T for 'phc status')"
          : adminUrl() + AdminApi.PREFIX.substring(1) + "/devices  (Authorization: Bearer <token>; phc status --server "
              + adminUrl() + ")"));
      out.println("Press Ctrl-C to stop.");
      out.flush();
    }
  }

  /** What each dialect authenticates with, and a warning for a device secrets file others can read. */
  private void authBanner(ServeCommand options, dev.phonehome.phc.core.server.@org.jspecify.annotations.Nullable
      FileDeviceSecrets secrets, List<java.security.cert.X509Certificate> clientCas) {
    synchronized (out) {
      String certs = clientCas.isEmpty() ? "" : "client certificate from --client-ca (" + clientCas.size()
          + " CA" + (clientCas.size() == 1 ? "" : "s") + ")";
      String secretText = secrets == null ? "" : "device secret (" + secrets.size() + " in " + secrets.file() + ")";
      out.println("Device authentication:");
      out.println("  Juniper dialect: " + (options.noJuniper ? "off (--no-juniper)" : options.juniperRequireClientCert
          ? certs + " required"
          : "serial + empty password" + (secrets == null ? "" : " (or the device's secret, when it has one)"))
          + (options.juniperAllow.isEmpty() ? "" : "; sources " + String.join(", ", options.juniperAllow)));
      String rfc = java.util.stream.Stream.of(secretText, certs).filter(x -> !x.isEmpty())
          .collect(java.util.stream.Collectors.joining(" or "));
      out.println("  RFC 8572:        " + (rfc.isEmpty()
          ? "NONE CONFIGURED: every RFC 8572 device gets 401 (give --device-secrets and/or --client-ca)" : rfc));
      if (options.compatibilityProfile() != dev.phonehome.phc.core.server.CompatibilityProfile.RFC8572) {
        out.println("  RFC 8572 answers: compatibility profile " + options.compatibility);
      }
      if (secrets != null) {
        secrets.permissionProblem().ifPresent(p -> out.println("WARNING " + p));
      }
      out.flush();
    }
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }

  private static void printNotification(PrintWriter out, DeviceNotification n) {
    synchronized (out) {
      out.println(TIME.format(n.receivedAt()) + "  " + n.serialNumber() + "  " + n.report().type().name()
          + (n.report().message() == null ? "" : ": " + n.report().message()));
      out.flush();
    }
  }

  private void watch(Path dir, ProvisioningRecords files) {
    try {
      while (true) {
        WatchKey key = watcher.take();
        for (WatchEvent<?> ev : key.pollEvents()) {
          if (!(ev.context() instanceof Path name)) {
            continue;
          }
          Path file = dir.resolve(name);
          Optional<String> serial = RecordsCheck.serialOf(file);
          if (serial.isEmpty()) {
            continue;
          }
          String when = TIME.format(Instant.now());
          String msg;
          if (ev.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
            msg = "records: " + name + " removed; serial " + serial.get() + " is no longer claimed";
          } else {
            List<RecordsCheck.Loaded> l = new java.util.ArrayList<>();
            Optional<RecordsCheck.Problem> p = RecordsCheck.check(file, files, l);
            msg = p.map(x -> "records: ERROR " + x.describe() + " (device " + serial.get() + " gets 500 until fixed)")
                .orElseGet(() -> "records: " + name + " (re)loaded: " + (l.isEmpty() ? "" : l.get(0).kind()));
          }
          synchronized (out) {
            out.println(when + "  " + msg);
            out.flush();
          }
        }
        if (!key.reset()) {
          synchronized (out) {
            out.println("WARNING records directory " + dir + " is gone; serving what was cached");
            out.flush();
          }
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // stopping
    }
  }

  /** Blocks until the process is asked to stop (Ctrl-C, SIGTERM) or {@link #close()} is called. */
  void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  private void closeFromHook() {
    synchronized (out) {
      out.println();
      out.println("Stopping: finishing in-flight requests (up to 2 s), closing notification files.");
      out.flush();
    }
    stopAll();
  }

  private synchronized void stopAll() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (admin != null) {
        admin.close();
      }
    } finally {
      server.close();
      journal.close();
      try {
        watcher.close();
      } catch (IOException e) {
        // nothing to keep
      }
      stopped.countDown();
    }
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook does the work
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Serves only redirect records with --redirect, only onboarding records without it. */
  private record ModeFilter(ProvisioningRecords delegate, boolean redirect) implements ProvisioningRecords {
    @Override
    public Optional<ProvisioningRecord> find(String serialNumber) {
      return delegate.find(serialNumber)
          .filter(r -> (r.conveyedInformation() instanceof RedirectInformation) == redirect);
    }
  }
}
