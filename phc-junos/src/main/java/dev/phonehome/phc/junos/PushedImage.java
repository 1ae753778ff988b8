package dev.phonehome.phc.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.StagedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Objects;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.scp.client.ScpClientCreator;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One image the agent pushes to the device ({@code ImageStaging.AGENT_PUSHES}), over SFTP (streamed) or SCP
 * (spooled to a local temporary file first). Bytes go to {@code <path>.part} on the device while their SHA-256
 * and MD5 are computed here; {@link #complete()} asks the device for its own checksum of the file, and only
 * when it matches renames it to {@code <path>} (atomic on the device) and returns it. Memory does not grow with
 * the image. Transfer failures are {@link PhcDeviceException}s (not {@link IOException}s), so that an engine
 * can tell a broken device write from a broken download.
 */
final class PushedImage implements ImageUpload {
  private static final Logger log = LoggerFactory.getLogger(PushedImage.class);

  /** What the upload needs from the binding: a transfer session and NETCONF file RPCs. */
  interface Device {
    /** A new authenticated SSH session for the transfer (the caller closes it). */
    ClientSession openTransferSession();

    /** The device's checksum of a file, lower-case hex, by {@code algorithm} ("sha256" or "md5"). */
    String checksum(String path, String algorithm);

    void rename(String from, String to);

    void deleteQuietly(String path);
  }

  private final Device device;
  private final ImageTransfer transfer;
  private final String path;
  private final String partial;
  private final MessageDigest sha256;
  private final MessageDigest md5;
  private final OutputStream stream;
  private @Nullable ClientSession ssh;
  private @Nullable SftpClient sftp;
  private @Nullable OutputStream remote;
  private @Nullable Path spool;
  private long size;
  private boolean finished;

  PushedImage(Device device, ImageTransfer transfer, String path) {
    this.device = Objects.requireNonNull(device, "device");
    this.transfer = Objects.requireNonNull(transfer, "transfer");
    this.path = path;
    this.partial = path + ".part";
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
      this.md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    device.deleteQuietly(partial);
    try {
      if (transfer == ImageTransfer.SFTP) {
        ssh = device.openTransferSession();
        sftp = SftpClientFactory.instance().createSftpClient(ssh);
        remote = sftp.write(partial, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
            SftpClient.OpenMode.Truncate);
      } else {
        spool = Files.createTempFile("phc-image-", ".part");
        remote = Files.newOutputStream(spool);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      throw new PhcDeviceException("begin-image-upload", null, "cannot open " + partial + " on the device over "
          + transfer + ": " + e.getMessage(), e instanceof PhcDeviceException pde && pde.sessionLost(), e);
    }
    this.stream = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        if (finished) {
          throw new IllegalStateException("the upload of " + path + " is finished");
        }
        try {
          Objects.requireNonNull(remote).write(b, off, len);
        } catch (IOException e) {
          throw new PhcDeviceException("image-upload", null, "writing " + partial + " over " + transfer
              + " failed after " + size + " bytes: " + e.getMessage(), true, e);
        }
        sha256.update(b, off, len);
        md5.update(b, off, len);
        size += len;
      }

      @Override
      public void flush() {
        try {
          Objects.requireNonNull(remote).flush();
        } catch (IOException e) {
          throw new PhcDeviceException("image-upload", null, "flushing " + partial + " failed: " + e.getMessage(),
              true, e);
        }
      }
    };
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  /** Bytes written so far. */
  long size() {
    return size;
  }

  @Override
  public synchronized StagedImage complete() {
    if (finished) {
      throw new IllegalStateException("the upload of " + path + " is already finished");
    }
    finished = true;
    boolean kept = false;
    try {
      Objects.requireNonNull(remote).close();
      remote = null;
      if (transfer == ImageTransfer.SCP) {
        Path file = Objects.requireNonNull(spool);
        ssh = device.openTransferSession();
        try (var in = Files.newInputStream(file)) {
          ScpClientCreator.instance().createScpClient(ssh).upload(in, partial, size,
              EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                  PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ), null);
        }
      }
      closeQuietly();
      String expected = Bytes.of(sha256.digest()).hex();
      String actual;
      String algorithm = "sha256";
      try {
        actual = device.checksum(partial, "sha256");
      } catch (PhcDeviceException e) {
        if (!String.valueOf(e.getMessage()).contains("syntax error")) {
          throw e;
        }
        // a release without file checksum sha-256: MD5 is what it has
        algorithm = "md5";
        expected = Bytes.of(md5.digest()).hex();
        actual = device.checksum(partial, "md5");
      }
      if (!actual.equals(expected)) {
        throw new PhcDeviceException("image-upload", null, "the device's " + algorithm + " of " + partial + " is "
            + actual + ", but " + size + " bytes with " + algorithm + " " + expected + " were sent; the file was "
            + "deleted");
      }
      device.rename(partial, path);
      kept = true;
      log.info("pushed {} ({} bytes) over {}; the device's {} matches", path, size, transfer, algorithm);
      return new StagedImage(path, size);
    } catch (IOException e) {
      throw new PhcDeviceException("image-upload", null, "finishing " + partial + " over " + transfer + " failed: "
          + e.getMessage(), true, e);
    } finally {
      closeQuietly();
      deleteSpool();
      if (!kept) {
        device.deleteQuietly(partial);
      }
    }
  }

  @Override
  public synchronized void abort() {
    if (finished) {
      return;
    }
    finished = true;
    closeQuietly();
    deleteSpool();
    device.deleteQuietly(partial);
  }

  @Override
  public void close() {
    abort();
  }

  private void closeQuietly() {
    try {
      if (remote != null) {
        remote.close();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("closing {}: {}", partial, e.toString());
    }
    remote = null;
    try {
      if (sftp != null) {
        sftp.close();
      }
    } catch (IOException | RuntimeException e) {
      log.debug("closing the SFTP client: {}", e.toString());
    }
    sftp = null;
    if (ssh != null) {
      ssh.close(true);
    }
    ssh = null;
  }

  private void deleteSpool() {
    Path s = spool;
    spool = null;
    if (s != null) {
      try {
        Files.deleteIfExists(s);
      } catch (IOException e) {
        log.debug("could not remove the spool file {}: {}", s, e.toString());
      }
    }
  }
}
