package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.core.server.AdminToken;
import dev.phonehome.phc.core.server.FileProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import dev.phonehome.phc.store.jdbc.JdbcDeviceStore;
import dev.phonehome.phc.store.jdbc.JdbcProvisioningRecords;
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
 * The running {@code phc serve}: the PHS ({@link PhoneHomeServer} over a {@link FileProvisioningRecords} directory
 * or the records in its database) on the embedded HTTPS engine, its state in a database (the SQLite file next to
 * the records by default, or {@code --database}), the admin API on its own port when a token is given, a
 * notification journal, a watcher that reports record files as they change, and a shutdown hook.
 */
final class StandaloneServer implements AutoCloseable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private final PrintWriter out;
  private final PhoneHomeServer server;
  private final JdbcDatabase db;
  private final DeviceStore store;
  private final NotificationJournal journal;
  private final WatchService watcher;
  private final URI url;
  private final TlsMaterial tls;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread hook;
  private boolean closed;

  private StandaloneServer(PrintWriter out, PhoneHomeServer server, JdbcDatabase db, DeviceStore store,
      NotificationJournal journal, WatchService watcher, URI url, TlsMaterial tls) {
    this.tls = tls;
    this.out = out;
    this.server = server;
    this.db = db;
    this.store = store;
    this.journal = journal;
    this.watcher = watcher;
    this.url = url;
    this.hook = new Thread(this::closeFromHook, "phc-serve-shutdown");
  }

  /** The base URL, {@code https://HOST:PORT/}. */
  URI url() {
    return url;
  }

  /** The admin API's base URL ({@code https://HOST:PORT/phc/admin/v1/}), or null when the admin API is off. */
  URI adminUrl() {
    return server.adminUrl();
  }

  /** The database the server keeps its state in. */
  JdbcDatabase database() {
    return db;
  }

  /** The certificate the server presents (leaf). */
  java.security.cert.X509Certificate certificate() {
    return tls.chain().get(0);
  }

  PhoneHomeServer server() {
    return server;
  }

  Path notificationsDir() {
    return journal == null ? null : journal.dir();
  }

  static StandaloneServer start(ServeCommand options, InetAddress address, TlsMaterial tls, PrintWriter out) {
    Path dir = options.records == null ? null : options.records.toAbsolutePath().normalize();
    // Served: a file still being written gets its last good version; checked (at start and by the watcher once a
    // file has settled): strictly, so that a broken file is reported as such.
    FileProvisioningRecords files = dir == null ? null
        : FileProvisioningRecords.open(dir, options.recordsSettle, java.time.Clock.systemUTC());
    FileProvisioningRecords checked = dir == null ? null
        : FileProvisioningRecords.open(dir, java.time.Duration.ZERO, java.time.Clock.systemUTC());
    List<RecordsCheck.Loaded> loaded = checked == null ? null : RecordsCheck.checkAll(dir, checked);
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
    AdminToken adminToken = options.adminToken();
    JdbcDatabase db = options.database.open(options.databaseUrl());
    JdbcDeviceStore store = null;
    NotificationJournal journal = null;
    PhoneHomeServer server = null;
    WatchService watcher = null;
    try {
      ProvisioningRecords source;
      if (files != null) {
        source = files;
      } else {
        JdbcProvisioningRecords fromDb = JdbcProvisioningRecords.create(db);
        source = fromDb;
        loaded = RecordsCheck.checkDatabase(fromDb);
      }
      ProvisioningRecords records = new ModeFilter(source, options.redirect);
      store = JdbcDeviceStore.builder(db).build();
      journal = options.notifications == null ? null : NotificationJournal.open(options.notifications, msg -> {
        synchronized (out) {
          out.println("WARNING " + msg);
          out.flush();
        }
      });
      PhoneHomeServer.Builder b = PhoneHomeServer.builder()
          .records(records)
          .store(store)
          .sslContext(tls.sslContext(clientCas))
          .clientAuth(clientCas.isEmpty() ? dev.phonehome.phc.core.server.ClientAuth.NONE
              : dev.phonehome.phc.core.server.ClientAuth.WANT)
          .authenticator(auth.build())
          .compatibility(options.compatibilityProfile())
          .bind(address.getHostAddress(), options.port)
          .addProgressListener(n -> printNotification(out, n));
      if (journal != null) {
        b.addProgressListener(journal);
      }
      int adminPort = options.adminPort != null ? options.adminPort : options.port == 0 ? 0 : options.port + 1;
      if (adminToken != null) {
        b.adminApi(adminToken).adminBind(address.getHostAddress(), adminPort);
      }
      server = b.build();
      try {
        server.start();
      } catch (RuntimeException e) {
        if (isBindFailure(e)) {
          throw Inputs.portInUse(adminToken == null ? "--port" : "--port or --admin-port", address,
              options.port, rootCause(e));
        }
        throw e;
      }
      if (dir != null) {
        try {
          watcher = FileSystems.getDefault().newWatchService();
          dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
          throw CliException.badInput("--records " + dir + ": cannot watch the directory for changes: "
              + e.getMessage(), e);
        }
      }
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      if (store != null) {
        store.close();
      }
      if (journal != null) {
        journal.close();
      }
      db.close();
      throw e;
    }
    String host = address.isAnyLocalAddress() ? "localhost"
        : address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    URI url = URI.create("https://" + host + ":" + server.port() + "/");
    StandaloneServer s = new StandaloneServer(out, server, db, store, journal, watcher, url, tls);
    try {
      s.banner(options, tls, dir, loaded, files);
      s.authBanner(options, secrets, clientCas);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(s.hook);
    if (watcher != null) {
      Thread w = new Thread(() -> s.watch(dir, checked, options.recordsSettle), "phc-serve-records-watcher");
      w.setDaemon(true);
      w.start();
    }
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
      out.println(dir != null ? "Records: " + dir + " (" + loaded.size() + " record(s), re-read when files change)"
          : "Records: in the database (" + loaded.size() + " record(s); change them with 'phc records import')");
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
      out.println("State:           " + db + (db.shared() ? " (shared: several servers may use it)"
          : " (kept across restarts)"));
      if (journal != null) {
        out.println("Notifications:   also appended to " + journal.dir() + "/<serial>.jsonl");
      }
      out.println("Admin API:       " + (adminUrl() == null
          ? "off (start with --admin-token-file F or PHC_ADMIN_TOKEN for 'phc status')"
          : adminUrl() + "devices  (Authorization: Bearer <token>; phc status --server " + url
              + " finds it)"));
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

  /**
   * Reports each changed record file once, when it has settled: no event for it and its modification time at
   * least {@code settle} old (an editor's create + write, or a copy in several writes, is one change). What it
   * reports is the strict reading, the one the server gives the device from then on.
   */
  private void watch(Path dir, ProvisioningRecords checked, java.time.Duration settle) {
    Map<Path, Instant> pending = new java.util.LinkedHashMap<>();   // file name -> its last event
    long pollMillis = Math.max(20, Math.min(200, settle.toMillis() / 4));
    try {
      while (true) {
        WatchKey key = pending.isEmpty() ? watcher.take()
            : watcher.poll(pollMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        Instant now = Instant.now();
        if (key != null) {
          for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.context() instanceof Path name && RecordsCheck.serialOf(dir.resolve(name)).isPresent()) {
              pending.put(name, now);
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
        for (java.util.Iterator<Map.Entry<Path, Instant>> it = pending.entrySet().iterator(); it.hasNext(); ) {
          Map.Entry<Path, Instant> e = it.next();
          Path file = dir.resolve(e.getKey());
          Instant modified = modified(file);
          if (java.time.Duration.between(e.getValue(), now).compareTo(settle) < 0 || (modified != null
              && java.time.Duration.between(modified, now).abs().compareTo(settle) < 0)) {
            continue;   // still being written
          }
          it.remove();
          report(file, modified == null, checked);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // stopping
    }
  }

  private static Instant modified(Path file) {
    try {
      return java.nio.file.Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return null;   // gone
    }
  }

  private void report(Path file, boolean gone, ProvisioningRecords checked) {
    String serial = RecordsCheck.serialOf(file).orElseThrow();
    String msg;
    if (gone) {
      msg = "records: " + file.getFileName() + " removed; serial " + serial + " is no longer claimed";
    } else {
      List<RecordsCheck.Loaded> l = new java.util.ArrayList<>();
      Optional<RecordsCheck.Problem> p = RecordsCheck.check(file, checked, l);
      msg = p.map(x -> "records: ERROR " + x.describe() + " (device " + serial + " gets 500 until fixed)")
          .orElseGet(() -> "records: " + file.getFileName() + " (re)loaded: " + (l.isEmpty() ? "" : l.get(0).kind()));
    }
    synchronized (out) {
      out.println(TIME.format(Instant.now()) + "  " + msg);
      out.flush();
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
      server.close();
    } finally {
      store.close();
      db.close();
      if (journal != null) {
        journal.close();
      }
      try {
        if (watcher != null) {
          watcher.close();
        }
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
