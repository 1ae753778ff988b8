package dev.phonehome.phc.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Checks of command-line inputs that fail with a {@link CliException} naming the option and the value. */
final class Inputs {
  private Inputs() {}

  static Path readableDirectory(String option, Path dir) {
    if (!Files.exists(dir)) {
      throw CliException.badInput(option + " " + dir + ": directory does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw CliException.badInput(option + " " + dir + ": not a directory");
    }
    if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
      throw CliException.badInput(option + " " + dir + ": directory is not readable (check its permissions)");
    }
    return dir;
  }

  static Path readableFile(String option, Path file) {
    if (!Files.exists(file)) {
      throw CliException.badInput(option + " " + file + ": file does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw CliException.badInput(option + " " + file + ": not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw CliException.badInput(option + " " + file + ": file is not readable (check its permissions)");
    }
    return file;
  }

  /** The first line of a password file, without its line end. */
  static String passwordFrom(String option, Path file) {
    readableFile(option, file);
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      String first = nl >= 0 ? text.substring(0, nl) : text;
      if (first.endsWith("\r")) {
        first = first.substring(0, first.length() - 1);
      }
      if (first.isEmpty()) {
        throw CliException.badInput(option + " " + file + ": the first line (the password) is empty");
      }
      return first;
    } catch (IOException e) {
      throw CliException.badInput(option + " " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  static InetAddress bindAddress(String option, String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw CliException.badInput(option + " " + host + ": unknown host or address");
    }
  }

  /**
   * Fails with "port in use" when {@code port} cannot be bound on {@code address}. The probe socket is
   * closed at once; the real server binds right after (a race with another process is reported by the
   * server's own bind error, which the caller also maps to "port in use").
   */
  static void portAvailable(String option, InetAddress address, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw portInUse(option, address, port, e);
    }
  }

  static CliException portInUse(String option, InetAddress address, int port, Throwable cause) {
    return CliException.badInput(option + " " + port + ": cannot listen on " + address.getHostAddress() + ":" + port
        + " (port in use, or not allowed: " + cause.getMessage() + ")", cause);
  }

  /** An https:// (or http://) URL with a host. */
  static URI serverUrl(String option, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw CliException.badInput(option + " " + url + ": not a URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw CliException.badInput(option + " " + url + ": must start with https:// (for example https://phs.example.net:8443)");
    }
    if (uri.getHost() == null) {
      throw CliException.badInput(option + " " + url + ": no host in the URL");
    }
    return uri;
  }
}
