package dev.phonehome.phc.api.device;

/** Where the image is fetched (SPEC section 1, "Where the PHC runs"). Both verify before installing. */
public enum ImageStaging {
  /** The device copies the image from the URL itself ({@code file copy}) and checks it with its checksum. */
  DEVICE_FETCHES,
  /** The agent downloads and verifies while the bytes flow, then pushes them (SFTP/SCP or in memory). */
  AGENT_PUSHES
}
