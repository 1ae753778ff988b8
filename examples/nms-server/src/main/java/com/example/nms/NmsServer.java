package com.example.nms;

import dev.phonehome.phc.api.server.ProgressListener;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The NMS's phone-home server: {@code java com.example.nms.NmsServer [jdbc-url] [port]}. */
public final class NmsServer {
  private static final Logger log = LoggerFactory.getLogger(NmsServer.class);

  private NmsServer() {}

  public static void main(String[] args) throws Exception {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL(args.length > 0 ? args[0] : "jdbc:h2:./nms");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8443;
    PhoneHomeServer server = create(db, n -> log.info("{} {}: {}", n.serialNumber(), n.report().type(),
        n.report().message()), "0.0.0.0", port);
    // snippet:run
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));   // Ctrl-C, SIGTERM
    server.awaitTermination();                                         // or awaitTermination(Duration)
    // end-snippet
  }

  /** The server over the NMS database (not started). */
  public static PhoneHomeServer create(DataSource db, ProgressListener events, String host, int port)
      throws java.sql.SQLException {
    DatabaseProvisioningRecords records = new DatabaseProvisioningRecords(db);
    records.createTables();
    // snippet:server
    PhoneHomeServer server = PhoneHomeServer.builder()
        .records(records)                  // ProvisioningRecords SPI: here the NMS database; or FileProvisioningRecords.open(dir)
        .addProgressListener(events)       // every notification, per device, in order
        .bind(host, port)                  // .keyManagerFactory(...) or .sslContext(...); none = generated self-signed
        .build();
    // end-snippet
    return server;
  }
}
