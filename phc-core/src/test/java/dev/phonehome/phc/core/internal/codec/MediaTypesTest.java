package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Encoding;
import org.junit.jupiter.api.Test;

class MediaTypesTest {
  @Test
  void acceptsRfc8040AndTheLegacyYangDataSpellingWithParameters() {
    assertThat(MediaTypes.encodingOf("application/yang-data+json")).contains(Encoding.JSON);
    assertThat(MediaTypes.encodingOf("application/yang.data+xml")).contains(Encoding.XML);
    assertThat(MediaTypes.encodingOf("Application/YANG-Data+XML; charset=utf-8")).contains(Encoding.XML);
    assertThat(MediaTypes.encodingOf("text/plain")).isEmpty();
    assertThat(MediaTypes.encodingOf(null)).isEmpty();
  }

  @Test
  void acceptHeaderYieldsTheFirstEncodingItNames() {
    assertThat(MediaTypes.fromAccept("text/html, application/yang.data+xml, application/yang-data+json"))
        .contains(Encoding.XML);
    assertThat(MediaTypes.fromAccept("*/*")).isEmpty();
  }
}
