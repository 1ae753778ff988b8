package dev.phonehome.phc.api.device;

import java.io.OutputStream;

/** A destination on the device for an image the agent pushes. Exactly one of complete or abort is called. */
public interface ImageUpload extends AutoCloseable {
  /** Where to write the image bytes. Not buffered whole: memory must not grow with the image. */
  OutputStream stream();

  /** Every digest matched: keep the file. */
  StagedImage complete();

  /** Something failed: delete what was written. Safe to call more than once. */
  void abort();

  /** Aborts unless completed. */
  @Override
  void close();
}
