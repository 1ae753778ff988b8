package dev.phonehome.phc.cli;

import dev.phonehome.phc.core.server.AdminToken;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code phc serve}: the standalone phone-home server (or redirect server) over a records directory. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Runs a phone-home server (PHS) for real devices, answering both dialects.",
      "Devices ask with Juniper RESTCONF GET or RFC 8572 POST; each is answered from a directory of records,"
          + " one file per serial number:",
      "  <serial>.xml            Juniper <device> document (SPEC 2.1), with",
      "                          <virtual-chassis> where wanted",
      "  <serial>.json           RFC 8572 onboarding-information JSON",
      "  <serial>.redirect.json  RFC 8572 redirect-information JSON (with --redirect)",
      "Records are re-read when files change (a file being written is read once it is complete). What the server"
          + " learns (devices, notifications, the unclaimed inbox) is kept in a database: by default the SQLite"
          + " file phc-state.sqlite next to DIR, so a restart loses nothing; --database jdbc:postgresql://..."
          + " lets several servers share one state (records too: without --records they come from the database,"
          + " see 'phc records import'). A device's notification is answered only once it is stored. Stops"
          + " cleanly on Ctrl-C.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc serve --records ./records",
      "",
      "  # admin API for 'phc status' on port 8444:",
      "  phc serve --records ./records --port 8443 --bind 0.0.0.0 \\",
      "      --tls-cert phs.pem --tls-key phs.key --key-password-file phs.pass \\",
      "      --admin-token-file admin.token",
      "",
      "  # records and state in PostgreSQL, shared by every instance:",
      "  PHC_DATABASE_PASSWORD=... phc serve --port 8443 --bind 0.0.0.0 \\",
      "      --database jdbc:postgresql://db.example.net/phc --database-user phc",
      "",
      "  # what a Juniper device asks:",
      "  curl -k -u PE3714100218: \\",
      "      https://127.0.0.1:8443/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=PE3714100218"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped cleanly", "2:usage error",
      "3:bad input (records dir, record, PEM, port in use, database unreachable, admin token)", "4:internal error"})
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--records", paramLabel = "DIR",
      description = "Directory of records (<serial>.xml, <serial>.json, <serial>.redirect.json). Without it, the"
          + " records come from --database (required then).")
  Path records;

  @Mixin DatabaseOptions database = new DatabaseOptions();

  @Option(names = "--port", defaultValue = "8443", paramLabel = "PORT",
      description = "TCP port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String bind;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Server certificate chain, PEM, leaf first. Without it a self-signed certificate is generated.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM",
      description = "Private key of --tls-cert, PEM (PKCS#8 or RSA/EC; encrypted: see --key-password-file).")
  Path tlsKey;

  @Option(names = "--key-password-file", paramLabel = "FILE",
      description = "File whose first line is the password of an encrypted --tls-key (or set PHC_KEY_PASSWORD).")
  Path keyPasswordFile;

  /** Refused: a password on the command line is visible to every user of the machine. */
  @Option(names = "--key-password", hidden = true, paramLabel = "PASSWORD")
  String keyPasswordOnCommandLine;

  /**
   * How long a changed record file must stay unchanged before it counts as written: until then a file that does
   * not parse is taken as half-written (its last good version is served) and the change is not reported yet.
   */
  java.time.Duration recordsSettle = dev.phonehome.phc.core.server.FileProvisioningRecords.DEFAULT_SETTLE_TIME;

  /** The environment ({@code System::getenv}); tests replace it. */
  java.util.function.UnaryOperator<String> environment = System::getenv;

  @Option(names = "--redirect",
      description = "Redirect server: serve <serial>.redirect.json records (redirect information) only.")
  boolean redirect;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "Enable the admin JSON API (for 'phc status') on --admin-port, with the bearer token in the first"
          + " line of FILE (at least 16 characters; or set PHC_ADMIN_TOKEN). Off by default.")
  Path adminTokenFile;

  /** Refused: a token on the command line is visible to every user of the machine. */
  @Option(names = "--admin-token", hidden = true, paramLabel = "TOKEN")
  String adminTokenOnCommandLine;

  @Option(names = "--admin-port", paramLabel = "PORT",
      description = "Port of the admin API (default: --port + 1, same address and certificate).")
  Integer adminPort;

  @Option(names = "--device-secrets", paramLabel = "FILE",
      description = "Per-device secrets, one 'SERIAL SECRET' per line (# comments): RFC 8572 devices send theirs as"
          + " HTTP Basic password (their activation code); a device with a secret must send it in both dialects."
          + " Re-read when it changes. Keep it private (chmod 600): phc serve warns when others can read it.")
  Path deviceSecrets;

  @Option(names = "--client-ca", paramLabel = "PEM",
      description = "Manufacturer CA certificate(s), PEM: TLS client certificates (IDevIDs) that chain to one and"
          + " name the serial in their subject serialNumber authenticate the device (RFC 8572 section 5.3).")
  Path clientCa;

  @Option(names = "--juniper-require-client-cert",
      description = "Juniper dialect: require a client certificate from --client-ca naming the serial (serial +"
          + " empty password alone is refused).")
  boolean juniperRequireClientCert;

  @Option(names = "--no-juniper",
      description = "Do not answer the Juniper dialect (403): for a fleet that authenticates in RFC 8572 only, whose"
          + " records must not be readable with serial + empty password.")
  boolean noJuniper;

  @Option(names = "--juniper-allow", paramLabel = "CIDR",
      description = "Juniper dialect: answer only these source networks (repeatable, e.g. 10.20.0.0/16); others get 403.")
  java.util.List<String> juniperAllow = new java.util.ArrayList<>();

  @Option(names = "--compatibility", paramLabel = "PROFILE", defaultValue = "rfc8572",
      description = "How RFC 8572 devices are answered: rfc8572 (default, RFC 8572 as written) or opi-sztp (for the"
          + " opiproject sztp agent: conveyed-information only, sha-256 only, every port written, report-progress"
          + " answered 200).")
  String compatibility;

  @Option(names = "--notifications", paramLabel = "DIR",
      description = "Also append every notification, one JSON object per line, to DIR/<serial>.jsonl (off by"
          + " default: the database has them).")
  Path notifications;

  @Override
  public Integer call() throws Exception {
    try (StandaloneServer server = start()) {
      server.awaitShutdown();
    }
    return ExitCodes.OK;
  }

  /** Validates every input, binds and starts serving; the caller closes the server. */
  StandaloneServer start() {
    validate();
    java.net.InetAddress address = Inputs.bindAddress("--bind", bind);
    TlsMaterial tls = tlsCert != null
        ? TlsMaterial.fromPem(tlsCert, tlsKey, keyPassword(), keyPasswordFile != null
            ? "--key-password-file " + keyPasswordFile : KEY_PASSWORD_ENV)
        : TlsMaterial.selfSigned(selfSignedNames(address), java.time.Instant.now());
    Inputs.portAvailable("--port", address, port);
    if (adminToken() != null) {
      Inputs.portAvailable("--admin-port", address, adminPort != null ? adminPort : port == 0 ? 0 : port + 1);
    }
    return StandaloneServer.start(this, address, tls, spec.commandLine().getOut());
  }

  /** Checks every input before anything binds; throws {@link CliException} naming the bad one. */
  void validate() {
    if (port < 0 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--port " + port + ": must be 0 to 65535");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--tls-cert and --tls-key go together: give both, or neither for a self-signed certificate");
    }
    if (adminPort != null && (adminPort < 0 || adminPort > 65535 || (adminPort == port && port != 0))) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--admin-port " + adminPort + ": must be 0 to 65535 and not the --port");
    }
    if (!compatibility.equals("rfc8572") && !compatibility.equals("opi-sztp")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--compatibility " + compatibility + ": use rfc8572 or opi-sztp");
    }
    if (juniperRequireClientCert && clientCa == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--juniper-require-client-cert needs --client-ca (the CA the client certificates must chain to)");
    }
    for (String cidr : juniperAllow) {
      try {
        dev.phonehome.phc.core.server.DeviceAuthentication.builder().juniperSourceNetworks(java.util.List.of(cidr));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--juniper-allow " + e.getMessage());
      }
    }
    if (keyPasswordOnCommandLine != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--key-password: a password on the command line is visible to every user (ps); put it in a file"
              + " (--key-password-file FILE) or in the environment variable " + KEY_PASSWORD_ENV);
    }
    if (keyPasswordFile != null && tlsKey == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--key-password-file is the password of --tls-key: give --tls-cert and --tls-key with it");
    }
    if (adminTokenOnCommandLine != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--admin-token: a token on the command line is visible to every user (ps); put it in a file"
              + " (--admin-token-file FILE) or in the environment variable " + ADMIN_TOKEN_ENV);
    }
    if (records == null && database.url == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "give --records DIR (records from files), or --database URL (records from the database), or both");
    }
    adminToken();
    if (records != null) {
      Inputs.readableDirectory("--records", records);
    }
  }

  /** The names a generated certificate covers: the bind address, localhost and the loopback addresses. */
  static java.util.List<String> selfSignedNames(java.net.InetAddress address) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    if (!address.isAnyLocalAddress()) {
      names.add(address.getHostAddress());
    }
    names.add("localhost");
    names.add("127.0.0.1");
    names.add("::1");
    try {
      names.add(java.net.InetAddress.getLocalHost().getHostName());
    } catch (java.io.IOException e) {
      // no host name: loopback names only
    }
    return java.util.List.copyOf(names);
  }

  dev.phonehome.phc.core.server.CompatibilityProfile compatibilityProfile() {
    return compatibility.equals("opi-sztp") ? dev.phonehome.phc.core.server.CompatibilityProfile.OPI_SZTP_AGENT
        : dev.phonehome.phc.core.server.CompatibilityProfile.RFC8572;
  }

  static final String ADMIN_TOKEN_ENV = "PHC_ADMIN_TOKEN";
  static final String KEY_PASSWORD_ENV = "PHC_KEY_PASSWORD";

  /** The password of --tls-key from --key-password-file or PHC_KEY_PASSWORD, or null when neither is given. */
  char[] keyPassword() {
    if (keyPasswordFile != null) {
      return Inputs.passwordFrom("--key-password-file", keyPasswordFile).toCharArray();
    }
    String env = environment.apply(KEY_PASSWORD_ENV);
    return env == null || env.isEmpty() ? null : env.toCharArray();
  }

  /** The admin token from --admin-token-file or PHC_ADMIN_TOKEN, or null when the admin API stays off. */
  AdminToken adminToken() {
    try {
      if (adminTokenFile != null) {
        Inputs.readableFile("--admin-token-file", adminTokenFile);
        return AdminToken.fromFile(adminTokenFile);
      }
      String env = System.getenv(ADMIN_TOKEN_ENV);
      return env == null || env.isBlank() ? null : AdminToken.fromEnvironment(ADMIN_TOKEN_ENV);
    } catch (IllegalArgumentException e) {
      throw CliException.badInput((adminTokenFile != null ? "--admin-token-file: " : "") + e.getMessage(), e);
    }
  }

  /** The database URL: --database, or the SQLite file next to the records directory. */
  String databaseUrl() {
    return database.url(records);
  }
}
