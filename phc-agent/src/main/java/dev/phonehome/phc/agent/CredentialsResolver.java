package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.PhcDeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the credentials <em>name</em> a VC is queued with ({@link VcTarget#credentials()}) into the user and
 * secret an agent logs in with, on the agent's own host: the work queue never holds a secret.
 */
@FunctionalInterface
public interface CredentialsResolver {

  /**
   * The credentials called {@code reference}.
   *
   * @throws PhcDeviceException (operation {@code credentials}) naming the reference when there are none or they
   *     cannot be read; the agent records it as the attempt's error and the VC is retried later
   */
  SshCredentials resolve(String reference);

  /**
   * Credentials from files in {@code directory}: the file named like the reference, a Java properties file with
   * {@code username} and either {@code password}, or {@code key} (the path of an unencrypted OpenSSH or PEM private
   * key, relative to the directory or absolute). Keep the directory readable by the agent's user only
   * ({@code chmod 700}; a file that group or others can read is logged as a warning). Files are read at every
   * claim, so a changed password applies to the next VC.
   *
   * <pre>
   * # /etc/phc/credentials/lab-vcs
   * username=phc-agent
   * key=/etc/phc/credentials/id_ed25519
   * </pre>
   */
  static CredentialsResolver directory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return reference -> DirectoryCredentials.read(directory, reference);
  }
}

/** The files of {@link CredentialsResolver#directory}. */
final class DirectoryCredentials {
  private static final Logger log = LoggerFactory.getLogger(DirectoryCredentials.class);

  private DirectoryCredentials() {}

  static SshCredentials read(Path directory, String reference) {
    if (!reference.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw fail(reference, "not a credentials name (letters, digits, '.', '_', '-')", null);
    }
    Path file = directory.resolve(reference);
    if (!Files.isRegularFile(file)) {
      throw fail(reference, "no file " + file, null);
    }
    warnIfReadableByOthers(file);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw fail(reference, "cannot read " + file + ": " + e.getMessage(), e);
    }
    String user = p.getProperty("username", "").strip();
    if (user.isEmpty()) {
      throw fail(reference, file + ": no username= line", null);
    }
    String password = p.getProperty("password");
    String key = p.getProperty("key");
    if ((password == null) == (key == null)) {
      throw fail(reference, file + ": give exactly one of password= and key=", null);
    }
    if (password != null) {
      return SshCredentials.password(user, password);
    }
    Path keyFile = directory.resolve(key.strip());
    return SshCredentials.keyPair(user, keyPair(reference, keyFile));
  }

  private static KeyPair keyPair(String reference, Path keyFile) {
    try (InputStream in = Files.newInputStream(keyFile)) {
      Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, new PathResource(keyFile), in,
          FilePasswordProvider.EMPTY);
      Iterator<KeyPair> it = keys == null ? null : keys.iterator();
      if (it == null || !it.hasNext()) {
        throw fail(reference, "no private key in " + keyFile + " (expected OpenSSH or PEM)", null);
      }
      return it.next();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (e instanceof PhcDeviceException d) {
        throw d;
      }
      throw fail(reference, "cannot read the private key " + keyFile + ": " + e.getMessage()
          + " (encrypted keys are not supported)", e);
    }
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
        log.warn("credentials file {} can be read by group or others: chmod 600 it", file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to say
    }
  }

  private static PhcDeviceException fail(String reference, String why, @org.jspecify.annotations.Nullable Throwable cause) {
    return new PhcDeviceException("credentials", null, "credentials '" + reference + "': " + why, false, cause);
  }
}
