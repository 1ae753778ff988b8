package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.server.Serials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provisioning records read from a directory, one file per serial, so that a small team can run a phone-home
 * server from files. Files are re-read when they change (size or modification time): edit, save, and the
 * next request of that device sees it; no restart.
 *
 * <h2>Files being written</h2>
 * A file modified less than the <em>settle time</em> ago (default {@link #DEFAULT_SETTLE_TIME}) may still be
 * being written (an editor saving, {@code scp} copying). When such a file does not parse, the device gets the
 * last version of its record that did parse (or, for a new file, nothing yet: the serial is not claimed until
 * the file is complete), instead of an error about a half-written file. A file that still does not parse once
 * it has not changed for the settle time is broken: {@link #find} then throws naming the file.
 *
 * <h2>Format</h2>
 * For a device with serial {@code SN}, exactly one of:
 * <dl>
 *   <dt>{@code SN.xml}</dt>
 *   <dd>A Juniper dialect {@code <device xmlns="http://juniper.net/zerotouch-bootstrap-server">} document
 *       (SPEC 2.1 and 3): {@code unique-id}, {@code boot-image}, {@code configuration}, {@code virtual-chassis},
 *       or {@code redirect-information}. Its {@code unique-id} must be {@code SN}.</dd>
 *   <dt>{@code SN.json}</dt>
 *   <dd>An RFC 8572 {@code ietf-sztp-conveyed-info:onboarding-information} document in RFC 7951 JSON, the VC
 *       topology as the {@code phc-virtual-chassis:virtual-chassis} augmentation (SPEC 3).</dd>
 *   <dt>{@code SN.redirect.json}</dt>
 *   <dd>An RFC 8572 {@code ietf-sztp-conveyed-info:redirect-information} document in RFC 7951 JSON: this
 *       server answers {@code SN} as a redirect server.</dd>
 * </dl>
 * Whichever file is used, both dialects are answered from it. A {@code SN.xml} record is served to Juniper
 * requests as written (every element, also those the model does not know, such as {@code <signature/>}), and
 * encoded from the model for RFC 8572 requests; the JSON records are encoded from the model in both dialects.
 * A serial ending in {@code .redirect} has no {@code .json} form: {@code X.redirect.json} is always serial
 * {@code X}'s redirect record.
 * Serials are {@code [A-Za-z0-9._:-]}, 1 to 64 characters, not starting with a dot; other file names are
 * ignored. Two files for one serial, or a file that does not parse, make {@link #find} throw
 * {@link PhcProtocolException} naming the file: the server answers that device 500 and logs it, so a typo never
 * silently hands out the wrong data.
 */
public final class FileProvisioningRecords implements ProvisioningRecords {
  private static final String XML = ".xml";
  private static final String JSON = ".json";
  private static final String REDIRECT_JSON = ".redirect.json";

  /** How long a file must be unchanged before a parse failure counts as a broken record: one second. */
  public static final Duration DEFAULT_SETTLE_TIME = Duration.ofSeconds(1);

  private final Path directory;
  private final CodecLimits limits;
  private final Duration settleTime;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private FileProvisioningRecords(Path directory, CodecLimits limits, Duration settleTime, Clock clock) {
    this.directory = directory;
    this.limits = limits;
    this.settleTime = settleTime;
    this.clock = clock;
  }

  /**
   * A store over {@code directory}, which must exist, with the {@link #DEFAULT_SETTLE_TIME} and the system clock.
   *
   * @throws IllegalArgumentException when it is not a directory
   */
  public static FileProvisioningRecords open(Path directory) {
    return open(directory, DEFAULT_SETTLE_TIME, Clock.systemUTC());
  }

  /**
   * A store over {@code directory}, which must exist. A file modified less than {@code settleTime} before
   * {@code clock}'s now that does not parse is taken as still being written (see the class description);
   * {@link Duration#ZERO} makes every parse failure an error at once (a check before serving).
   *
   * @throws IllegalArgumentException when it is not a directory or {@code settleTime} is negative
   */
  public static FileProvisioningRecords open(Path directory, Duration settleTime, Clock clock) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(settleTime, "settleTime");
    Objects.requireNonNull(clock, "clock");
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("not a directory: " + directory);
    }
    if (settleTime.isNegative()) {
      throw new IllegalArgumentException("settleTime is negative: " + settleTime);
    }
    return new FileProvisioningRecords(directory, CodecLimits.DEFAULT, settleTime, clock);
  }

  /** The directory this store reads. */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<ProvisioningRecord> find(String serialNumber) {
    if (!Serials.isValid(serialNumber)) {
      return Optional.empty();
    }
    List<Path> present = new ArrayList<>(1);
    List<BasicFileAttributes> attrs = new ArrayList<>(1);
    for (String suffix : new String[] {XML, JSON, REDIRECT_JSON}) {
      if (suffix.equals(JSON) && (serialNumber + JSON).endsWith(REDIRECT_JSON)) {
        // "X.redirect" + ".json" is X's redirect record, never serial X.redirect's onboarding record.
        continue;
      }
      Path p = directory.resolve(serialNumber + suffix);
      try {
        attrs.add(Files.readAttributes(p, BasicFileAttributes.class));
        present.add(p);
      } catch (NoSuchFileException e) {
        // not this form
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
    }
    if (present.isEmpty()) {
      cache.remove(serialNumber);
      return Optional.empty();
    }
    if (present.size() > 1) {
      throw new PhcProtocolException("more than one record file for serial '" + serialNumber + "': " + present);
    }
    Path file = present.get(0);
    BasicFileAttributes a = attrs.get(0);
    String stamp = file.getFileName() + ":" + a.size() + ":" + a.lastModifiedTime().toMillis();
    Cached c = cache.get(serialNumber);
    if (c != null && c.stamp.equals(stamp)) {
      return Optional.of(c.record);
    }
    ProvisioningRecord record;
    try {
      record = read(serialNumber, file);
    } catch (PhcProtocolException | UncheckedIOException e) {
      if (beingWritten(a)) {
        // Most likely half-written: keep answering what the file said before (not cached: read again next time).
        return c == null || !c.file.equals(file.getFileName().toString()) ? Optional.empty() : Optional.of(c.record);
      }
      throw e;
    }
    cache.put(serialNumber, new Cached(stamp, file.getFileName().toString(), record));
    return Optional.of(record);
  }

  /** Modified within the settle time before now (or up to the settle time in the future: the same write). */
  private boolean beingWritten(BasicFileAttributes a) {
    if (settleTime.isZero()) {
      return false;
    }
    Duration age = Duration.between(a.lastModifiedTime().toInstant(), clock.instant());
    return age.abs().compareTo(settleTime) < 0;
  }

  /**
   * The serial a record file name stands for ({@code SN.xml}, {@code SN.json}, {@code SN.redirect.json}), or
   * empty for any other name.
   */
  public static Optional<String> serialOf(String fileName) {
    String serial;
    if (fileName.endsWith(REDIRECT_JSON)) {
      serial = fileName.substring(0, fileName.length() - REDIRECT_JSON.length());
    } else if (fileName.endsWith(JSON)) {
      serial = fileName.substring(0, fileName.length() - JSON.length());
    } else if (fileName.endsWith(XML)) {
      serial = fileName.substring(0, fileName.length() - XML.length());
    } else {
      return Optional.empty();
    }
    return Serials.isValid(serial) && !serial.startsWith(".") ? Optional.of(serial) : Optional.empty();
  }

  /**
   * Parses one record file's content as this store would read it from {@code fileName} (its last path element
   * names the serial and the format), for records kept elsewhere in this format (a database).
   *
   * @throws PhcProtocolException naming the file and the field when it does not parse
   * @throws IllegalArgumentException when the name is not a record file name
   */
  public static ProvisioningRecord parse(String fileName, byte[] content) {
    Path file = Path.of(fileName);
    String name = file.getFileName().toString();
    String serial = serialOf(name).orElseThrow(() -> new IllegalArgumentException(
        "not a record file name (<serial>.xml, <serial>.json or <serial>.redirect.json): \"" + name + "\""));
    long max = CodecLimits.DEFAULT.maxDocumentBytes() + CodecLimits.DEFAULT.maxConfigurationBytes();
    if (content.length > max) {
      throw new PhcProtocolException("record file is " + content.length + " bytes, more than " + max, fileName);
    }
    return decode(serial, file, name, content, CodecLimits.DEFAULT);
  }

  private ProvisioningRecord read(String serial, Path file) {
    String name = file.getFileName().toString();
    try {
      return decode(serial, file, name, readBounded(file), limits);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static ProvisioningRecord decode(String serial, Path file, String name, byte[] bytes,
      CodecLimits limits) {
    ConveyedInformation info;
    Bytes juniperDocument = null;
    try {
      if (name.endsWith(XML)) {
        JuniperDevice device = JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(bytes), limits);
        if (!device.uniqueId().isEmpty() && !device.uniqueId().equals(serial)) {
          throw new PhcProtocolException("unique-id '" + device.uniqueId() + "' does not match the file name",
              file + ":/device/unique-id");
        }
        info = device.conveyedInformation();
        if (device.uniqueId().equals(serial)) {
          juniperDocument = Bytes.of(bytes);
        }
      } else {
        info = Rfc8572Codec.decodeConveyedInformation(bytes, Encoding.JSON, limits);
        boolean wantRedirect = name.endsWith(REDIRECT_JSON);
        if (wantRedirect && !(info instanceof RedirectInformation)) {
          throw new PhcProtocolException("a .redirect.json file must hold redirect-information", file.toString());
        }
        if (!wantRedirect && !(info instanceof OnboardingInformation)) {
          throw new PhcProtocolException("a .json file must hold onboarding-information (use .redirect.json for"
              + " redirect-information)", file.toString());
        }
      }
    } catch (PhcProtocolException e) {
      if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
        throw e;
      }
      throw new PhcProtocolException("record file " + file + ": " + e.detail(), e.path(), -1, e);
    }
    ProvisioningRecord record = ProvisioningRecord.of(serial, info);
    return juniperDocument == null ? record : record.withJuniperDocument(juniperDocument);
  }

  private byte[] readBounded(Path file) throws IOException {
    long size = Files.size(file);
    long max = limits.maxDocumentBytes() + limits.maxConfigurationBytes();
    if (size > max) {
      throw new PhcProtocolException("record file is " + size + " bytes, more than " + max, file.toString());
    }
    return Files.readAllBytes(file);
  }

  private record Cached(String stamp, String file, ProvisioningRecord record) {}
}
