package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.Sighting;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer thread that commits queued operations in groups: it takes what is waiting (up to the batch size),
 * runs it as one transaction, and completes each caller's future after the commit. Transient failures (a
 * serialization failure, a deadlock, a busy database) are retried; a group that fails for another reason is
 * retried one operation at a time, so one bad operation cannot fail its neighbours.
 */
final class GroupCommitWriter {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int ATTEMPTS = 4;

  /** A sighting, or one request's notifications. */
  record Op(@Nullable Sighting sighting, @Nullable List<DeviceNotification> notifications, @Nullable String source,
      CompletableFuture<Object> done) {
    Op(@Nullable Sighting sighting, @Nullable List<DeviceNotification> notifications, @Nullable String source) {
      this(sighting, notifications, source, new CompletableFuture<>());
    }

    String serial() {
      return sighting != null ? sighting.serialNumber() : notifications.get(0).serialNumber();
    }

    Instant at() {
      return sighting != null ? sighting.at() : notifications.get(0).receivedAt();
    }

    Dialect dialect() {
      return sighting != null ? sighting.dialect() : notifications.get(0).dialect();
    }
  }

  interface Batch {
    List<Object> apply(Connection c, List<Op> ops) throws SQLException;
  }

  private final JdbcDatabase db;
  private final SqlDialect dialect;
  private final int maxBatch;
  private final Batch batch;
  private final BlockingQueue<Op> queue;
  private final Thread thread;
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong committedWrites = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong failedWrites = new java.util.concurrent.atomic.AtomicLong();

  long commits() {
    return commits.get();
  }

  long committedWrites() {
    return committedWrites.get();
  }

  long failedWrites() {
    return failedWrites.get();
  }

  int queued() {
    return queue.size();
  }

  GroupCommitWriter(JdbcDatabase db, SqlDialect dialect, int maxBatch, int capacity, Batch batch) {
    this.db = db;
    this.dialect = dialect;
    this.maxBatch = maxBatch;
    this.batch = batch;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "phc-store-writer");
    thread.setDaemon(true);
    thread.start();
  }

  CompletableFuture<Object> submit(Op op) {
    if (closing) {
      op.done().completeExceptionally(new PhcStoreException("the store is closed"));
    } else if (!queue.offer(op)) {
      op.done().completeExceptionally(new PhcStoreException("the store is overloaded: " + queue.size()
          + " writes waiting"));
    }
    return op.done();
  }

  private void run() {
    List<Op> group = new ArrayList<>(maxBatch);
    while (true) {
      try {
        Op first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) {
            return;
          }
          continue;
        }
        group.add(first);
        queue.drainTo(group, maxBatch - 1);
        // A write whose caller gave up (it timed out and answered 503) is not committed behind its back.
        group.removeIf(op -> op.done().isDone());
        if (!group.isEmpty()) {
          commit(group);
        }
      } catch (InterruptedException e) {
        failAll(new PhcStoreException("the store was closed before this write was committed"));
        return;
      } catch (RuntimeException | Error e) {
        log.error("phc store writer: unexpected failure; the writes in this group failed", e);
        for (Op op : group) {
          op.done().completeExceptionally(e);
        }
      } finally {
        group.clear();
      }
    }
  }

  private void commit(List<Op> group) {
    SQLException failure;
    try {
      complete(group, attempt(group));
      return;
    } catch (SQLException e) {
      failure = e;
    }
    if (group.size() > 1 && !retryable(failure) && !unreachable(failure)) {
      // Not the database being away: find the operation that cannot be stored, store the others.
      log.warn("phc store: a group of {} writes failed ({}); retrying them one at a time", group.size(),
          failure.getMessage());
      for (Op op : group) {
        try {
          complete(List.of(op), attempt(List.of(op)));
        } catch (SQLException e) {
          fail(op, e);
        }
      }
      return;
    }
    for (Op op : group) {
      fail(op, failure);
    }
  }

  private void complete(List<Op> ops, List<Object> results) {
    commits.incrementAndGet();
    committedWrites.addAndGet(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      ops.get(i).done().complete(results.get(i));
    }
  }

  private void fail(Op op, SQLException e) {
    failedWrites.incrementAndGet();
    op.done().completeExceptionally(new PhcStoreException("not stored (" + dialect + "): " + e.getMessage(), e));
  }

  private List<Object> attempt(List<Op> ops) throws SQLException {
    SQLException last = null;
    for (int i = 1; i <= ATTEMPTS; i++) {
      try {
        return once(ops);
      } catch (SQLException e) {
        last = e;
        if (!retryable(e) || i == ATTEMPTS) {
          throw e;
        }
        log.debug("phc store: transient failure, retrying the group ({} of {})", i, ATTEMPTS, e);
      }
    }
    throw last;
  }

  private List<Object> once(List<Op> ops) throws SQLException {
    return db.inTransaction(c -> batch.apply(c, ops));
  }

  /** Serialization failure, deadlock, a unique race lost, a busy embedded database, a dropped connection. */
  static boolean retryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if (state != null && (state.equals("40001") || state.equals("40P01") || state.equals("23505")
            || state.startsWith("08") || state.startsWith("57P") || state.equals("HYT00"))) {
          return true;
        }
        String m = String.valueOf(s.getMessage());
        if (m.contains("SQLITE_BUSY") || m.contains("database is locked")) {
          return true;
        }
      }
    }
    return false;
  }

  /** No connection to be had: the database is away (retrying one by one would only wait longer). */
  static boolean unreachable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }

  private void failAll(PhcStoreException e) {
    List<Op> left = new ArrayList<>();
    queue.drainTo(left);
    for (Op op : left) {
      op.done().completeExceptionally(e);
    }
  }

  /** Commits what is queued (waiting at most {@code wait}), then stops the thread. */
  void close(Duration wait) {
    closing = true;
    try {
      thread.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
    failAll(new PhcStoreException("the store was closed before this write was committed"));
  }
}
