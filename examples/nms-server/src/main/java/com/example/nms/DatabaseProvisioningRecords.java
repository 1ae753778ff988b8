package com.example.nms;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.api.server.ProvisioningRecords;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The NMS's own tables as phc's {@link ProvisioningRecords}: one row per claimed serial number in
 * {@code device_record}, the intended Virtual Chassis members in {@code vc_member}. phc calls {@link #find} on a
 * server thread for every bootstrap request, so it must be thread-safe (a connection per call is).
 */
public final class DatabaseProvisioningRecords implements ProvisioningRecords {
  private final DataSource db;

  public DatabaseProvisioningRecords(DataSource db) {
    this.db = db;
  }

  /** Creates the tables when they are missing. */
  public void createTables() throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("create table if not exists device_record (serial varchar(64) primary key,"
          + " image_name varchar(200), image_url varchar(1000), image_md5 char(32),"
          + " configuration clob, provisioning_mode varchar(10), updated bigint not null)");
      s.execute("create table if not exists vc_member (serial varchar(64) not null, member_serial varchar(64) not null,"
          + " member_id int, role varchar(20) not null, primary key (serial, member_serial))");
    }
  }

  /** Claims {@code serial}: what an operator enters in the NMS. */
  public void claim(String serial, String imageName, String imageUrl, String imageMd5, String configuration,
      ProvisioningMode mode, List<IntendedMember> members) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("merge into device_record key (serial) values (?, ?, ?, ?, ?, ?, ?)")) {
        p.setString(1, serial);
        p.setString(2, imageName);
        p.setString(3, imageUrl);
        p.setString(4, imageMd5);
        p.setString(5, configuration);
        p.setString(6, mode.name());
        p.setLong(7, System.nanoTime());
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("delete from vc_member where serial = ?")) {
        p.setString(1, serial);
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("insert into vc_member values (?, ?, ?, ?)")) {
        for (IntendedMember m : members) {
          p.setString(1, serial);
          p.setString(2, m.serialNumber());
          p.setObject(3, m.memberId());
          p.setString(4, m.role() == null ? IntendedRole.LINE_CARD.name() : m.role().name());
          p.addBatch();
        }
        p.executeBatch();
      }
      c.commit();
    }
  }

  @Override
  public Optional<ProvisioningRecord> find(String serialNumber) {
    try (Connection c = db.getConnection();
         PreparedStatement p = c.prepareStatement("select image_name, image_url, image_md5, configuration,"
             + " provisioning_mode, updated from device_record where serial = ?")) {
      p.setString(1, serialNumber);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();   // not claimed: the device gets 404 and keeps polling
        }
        OnboardingInformation.Builder info = OnboardingInformation.builder()
            .bootImage(BootImage.builder()
                .name(r.getString("image_name"))
                .addDownloadUri(r.getString("image_url"))
                .addVerification(ImageVerification.ofHex(HashAlgorithm.MD5, r.getString("image_md5")))
                .build())
            .configuration(Bytes.of(r.getString("configuration").getBytes(StandardCharsets.UTF_8)));
        List<IntendedMember> members = members(c, serialNumber);
        if (!members.isEmpty()) {
          info.topology(VirtualChassisTopology.full(ProvisioningMode.valueOf(r.getString("provisioning_mode")),
              members));
        }
        // The version lets the server cache the encoded answer until the row changes.
        return Optional.of(new ProvisioningRecord(serialNumber, info.build(), Long.toString(r.getLong("updated"))));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("NMS database: cannot read the record of " + serialNumber + ": " + e.getMessage(), e);
    }
  }

  private static List<IntendedMember> members(Connection c, String serial) throws SQLException {
    List<IntendedMember> members = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement(
        "select member_serial, member_id, role from vc_member where serial = ? order by member_id")) {
      p.setString(1, serial);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          Integer id = (Integer) r.getObject("member_id");
          members.add(new IntendedMember(r.getString("member_serial"), id, IntendedRole.valueOf(r.getString("role")),
              null));
        }
      }
    }
    return members;
  }
}
