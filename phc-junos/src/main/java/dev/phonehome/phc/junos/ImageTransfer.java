package dev.phonehome.phc.junos;

/**
 * How {@link JunosDeviceOperations} pushes an image to the device when it stages images with
 * {@code ImageStaging.AGENT_PUSHES}. Either way the bytes go to {@code <imageDirectory>/<name>.part}, the
 * device's own SHA-256 of that file must equal the one computed while the bytes flowed, and only then is the
 * file renamed to its name and offered for install.
 */
public enum ImageTransfer {
  /** SSH File Transfer Protocol: streamed straight to the device as the bytes arrive (the default). */
  SFTP,
  /**
   * Secure copy: SCP announces the file size before the bytes, so the image is first spooled to a local temporary
   * file (disk, not memory), then copied. For devices without an SFTP server.
   */
  SCP
}
