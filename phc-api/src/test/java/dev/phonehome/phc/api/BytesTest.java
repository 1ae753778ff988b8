package dev.phonehome.phc.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void colonHexIsLowerCaseWithColons() {
    assertThat(Bytes.of((byte) 0xAB, (byte) 0x01, (byte) 0xff).colonHex()).isEqualTo("ab:01:ff");
  }

  @Test
  void fromHexAcceptsBothFormsAndAnyCase() {
    assertThat(Bytes.fromHex("AB:01:ff")).isEqualTo(Bytes.fromHex("ab01FF"));
  }

  @Test
  void fromHexRejectsMalformedInputNamingIt() {
    assertThatThrownBy(() -> Bytes.fromHex("ab:0")).hasMessageContaining("ab:0");
    assertThatThrownBy(() -> Bytes.fromHex("abc")).hasMessageContaining("odd number");
    assertThatThrownBy(() -> Bytes.fromHex("zz")).hasMessageContaining("not hex: zz");
  }

  @Test
  void fromBase64IsStrict() {
    assertThatThrownBy(() -> Bytes.fromBase64("not base64!")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copiesOnTheWayInAndOut() {
    byte[] data = {1, 2, 3};
    Bytes b = Bytes.of(data);
    data[0] = 9;
    b.toByteArray()[1] = 9;
    assertThat(b).isEqualTo(Bytes.of((byte) 1, (byte) 2, (byte) 3));
  }

  @Property
  void hexAndBase64RoundTrip(@ForAll byte[] data) {
    Bytes b = Bytes.of(data);
    assertThat(Bytes.fromHex(b.hex())).isEqualTo(b);
    assertThat(Bytes.fromBase64(b.base64())).isEqualTo(b);
    if (data.length > 0) {
      assertThat(Bytes.fromHex(b.colonHex())).isEqualTo(b);
    }
  }
}
