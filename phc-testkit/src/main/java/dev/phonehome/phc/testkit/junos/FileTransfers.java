package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.scp.ScpModuleProperties;
import org.apache.sshd.scp.common.ScpTransferEventListener;
import org.apache.sshd.scp.server.ScpCommandFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SFTP and SCP into the simulated VC, as an agent pushes an image. Bytes land in a scratch directory on disk
 * that stands for the primary's flash (so memory stays flat however big the image), and when the file is
 * closed they move into the model's image store as a digested file (what {@code file checksum} and
 * {@code request system software add} read) and leave the disk. A transfer that breaks off leaves the partial
 * file, as on a real device. Every transfer is recorded.
 */
final class FileTransfers implements SftpEventListener, ScpTransferEventListener {
  private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);

  private final VirtualChassisModel model;
  private final List<JunosSimulationFault> faults;
  private final Path flash;
  private final List<RecordedUpload> uploads = new CopyOnWriteArrayList<>();
  private final Set<Handle> written = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  FileTransfers(VirtualChassisModel model, String user, List<JunosSimulationFault> faults) {
    this.model = model;
    this.faults = faults;
    try {
      this.flash = Files.createTempDirectory("phc-simulated-flash-");
      Files.createDirectories(flash.resolve("var/tmp"));
      Files.createDirectories(flash.resolve("var/home").resolve(user));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the simulated flash directory", e);
    }
  }

  /** Serves the SFTP subsystem and {@code scp -t} on this server. */
  void install(SshServer sshd, List<org.apache.sshd.server.subsystem.SubsystemFactory> subsystems) {
    sshd.setFileSystemFactory(new VirtualFileSystemFactory(flash));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
    sftp.addSftpEventListener(this);
    subsystems.add(sftp);
    // SCP: large buffers, and no fsync after every write (MINA's default), which made a 64 MiB copy crawl
    ScpModuleProperties.PROP_AUTO_SYNC_FILE_ON_WRITE.set(sshd, false);
    sshd.setCommandFactory(new ScpCommandFactory.Builder().addEventListener(this)
        .withReceiveBufferSize(64 * 1024).withSendBufferSize(64 * 1024).build());
  }

  List<RecordedUpload> uploads() {
    return List.copyOf(uploads);
  }

  // ---------------------------------------------------------------- SFTP

  @Override
  public void written(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
      int dataOffset, int dataLen, Throwable thrown) {
    written.add(localHandle);
  }

  @Override
  public void closed(ServerSession session, String remoteHandle, Handle localHandle, Throwable thrown) {
    if (written.remove(localHandle)) {
      ingest(localHandle.getFile(), "sftp", thrown == null);
    }
  }

  // ---------------------------------------------------------------- SCP

  @Override
  public void endFileEvent(Session session, FileOperation op, Path file, long length,
      Set<PosixFilePermission> perms, Throwable thrown) {
    if (op == FileOperation.RECEIVE) {
      ingest(file, "scp", thrown == null);
    }
  }

  /** Moves a received file from the scratch disk into the model's image store, digesting it on the way. */
  private void ingest(Path file, String protocol, boolean complete) {
    String devicePath = file.toString().replace('\\', '/');
    if (!devicePath.startsWith("/")) {
      devicePath = "/" + devicePath;
    }
    try (InputStream in = Files.newInputStream(file);
        VirtualChassisModel.FileWriter w = model.openFile(devicePath)) {
      boolean corrupt = faults.stream().filter(f -> f instanceof JunosSimulationFault.CorruptUpload).findFirst()
          .map(faults::remove).orElse(false);
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (corrupt) {
          buf[0] ^= 0x5a;
          corrupt = false;
        }
        w.write(buf, 0, n);
      }
      VirtualChassisModel.StoredFile f = w.commit();
      uploads.add(new RecordedUpload(model.clock().instant(), protocol, devicePath, f.size(),
          f.digest(HashAlgorithm.SHA_256), complete));
      log.debug("{} upload of {} ({} bytes) stored", protocol, devicePath, f.size());
    } catch (IOException | RuntimeException e) {
      log.warn("could not store the {} upload of {}: {}", protocol, devicePath, e.toString());
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.debug("could not remove {} from the scratch flash: {}", file, e.toString());
      }
    }
  }

  /** Removes the scratch directory. */
  void close() {
    try {
      Files.walkFileTree(flash, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.debug("could not remove {}: {}", flash, e.toString());
    }
  }
}
