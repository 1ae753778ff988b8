package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.device.DeviceInfo;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.StartConditions;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.VcMember;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The device as the engine sees it under a lease: every operation starts only while the {@link LeaseFence} is
 * open (else {@link LeaseLostException}), so an agent whose lease ran out, was taken over or was cancelled stops
 * acting on the device, reads included (a stale owner must not even keep a session busy).
 */
final class FencedDeviceOperations implements DeviceOperations {
  private final DeviceOperations device;
  private final LeaseFence fence;

  FencedDeviceOperations(DeviceOperations device, LeaseFence fence) {
    this.device = device;
    this.fence = fence;
  }

  @Override
  public DeviceInfo deviceInfo() {
    fence.check("device-info");
    DeviceInfo info = device.deviceInfo();
    fence.deviceSerial = info.serialNumber();
    return info;
  }

  @Override
  public List<VcMember> members() {
    fence.check("members");
    return device.members();
  }

  @Override
  public ImageStaging imageStaging() {
    return device.imageStaging();
  }

  @Override
  public StagedImage fetchImage(ImageFetch fetch) {
    fence.check("fetch-image");
    return device.fetchImage(fetch);
  }

  @Override
  public ImageUpload beginImageUpload(String fileName) {
    fence.check("image-upload");
    ImageUpload upload = device.beginImageUpload(fileName);
    return new ImageUpload() {
      private final OutputStream stream = new FilterOutputStream(upload.stream()) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          fence.check("image-upload");
          out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
          fence.check("image-upload");
          out.write(b);
        }
      };

      @Override
      public OutputStream stream() {
        return stream;
      }

      @Override
      public StagedImage complete() {
        fence.check("image-upload");
        return upload.complete();
      }

      @Override
      public void abort() {
        upload.abort(); // removing a partial file is always allowed
      }

      @Override
      public void close() {
        upload.close();
      }
    };
  }

  @Override
  public void installImage(int memberId, StagedImage image) {
    fence.check("install-image");
    device.installImage(memberId, image);
  }

  @Override
  public void reboot(Collection<Integer> memberIds) {
    fence.check("reboot");
    device.reboot(memberIds);
  }

  @Override
  public void pinRoles(int primaryMemberId, int backupMemberId) {
    fence.check("pin-roles");
    device.pinRoles(primaryMemberId, backupMemberId);
  }

  @Override
  public void unpinRoles() {
    fence.check("unpin-roles");
    device.unpinRoles();
  }

  @Override
  public void loadConfiguration(Bytes configuration, ConfigurationHandling handling) {
    fence.check("load-configuration");
    device.loadConfiguration(configuration, handling);
  }

  @Override
  public void commitConfiguration() {
    fence.check("commit-configuration");
    device.commitConfiguration();
  }

  @Override
  public ScriptResult runScript(ScriptPhase phase, Bytes script) {
    fence.check("run-script");
    return device.runScript(phase, script);
  }

  @Override
  public void syslog(SyslogSeverity severity, String message) {
    fence.check("syslog");
    device.syslog(severity, message);
  }

  @Override
  public void persistState(int memberId, Bytes state) {
    fence.check("persist-state");
    device.persistState(memberId, state);
  }

  @Override
  public Optional<Bytes> loadState() {
    fence.check("load-state");
    return device.loadState();
  }

  @Override
  public Optional<Bytes> loadState(int memberId) {
    fence.check("load-state");
    return device.loadState(memberId);
  }

  @Override
  public String moveStateAside(int memberId) {
    fence.check("move-state-aside");
    return device.moveStateAside(memberId);
  }

  @Override
  public void clearState() {
    fence.check("clear-state");
    device.clearState();
  }

  @Override
  public StartConditions startConditions() {
    fence.check("start-conditions");
    return device.startConditions();
  }

  @Override
  public List<SshHostKey> sshHostKeys() {
    fence.check("ssh-host-keys");
    return device.sshHostKeys();
  }

  @Override
  public List<Bytes> trustAnchorCerts() {
    fence.check("trust-anchor-certs");
    return device.trustAnchorCerts();
  }

  @Override
  public String toString() {
    return "fenced " + device;
  }
}
