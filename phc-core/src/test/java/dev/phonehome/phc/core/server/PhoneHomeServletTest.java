package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static dev.phonehome.phc.core.server.Fixtures.SERIAL_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.core.servlet.PhoneHomeServlet;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The servlet adapter hands the container's request to the core and writes its answer (servlet API mocked). */
class PhoneHomeServletTest {
  private static final String PATH = "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";

  private static HttpServletRequest request(String context, String uri, String user) {
    HttpServletRequest req = mock(HttpServletRequest.class);
    when(req.getMethod()).thenReturn("GET");
    when(req.getContextPath()).thenReturn(context);
    when(req.getRequestURI()).thenReturn(context + uri);
    when(req.getHeaderNames()).thenReturn(Collections.enumeration(List.of("Authorization")));
    when(req.getHeaders("Authorization")).thenReturn(Collections.enumeration(List.of(
        "Basic " + Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8)))));
    when(req.getContentLengthLong()).thenReturn(-1L);
    return req;
  }

  private static ByteArrayOutputStream body(HttpServletResponse resp) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    when(resp.getOutputStream()).thenReturn(new ServletOutputStream() {
      @Override
      public void write(int b) {
        bytes.write(b);
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(WriteListener l) {}
    });
    return bytes;
  }

  @Test
  void servesTheDevicesRecordUnderAContextPath() throws Exception {
    PhoneHomeServer phs = PhoneHomeServer.builder().records(Fixtures.records()).build();
    HttpServletRequest req = request("/nms", PATH + SERIAL_A, SERIAL_A);
    HttpServletResponse resp = mock(HttpServletResponse.class);
    ByteArrayOutputStream out = body(resp);
    new PhoneHomeServlet(phs.handler()).service(req, resp);
    verify(resp).setStatus(200);
    verify(resp).setHeader("Content-Type", "application/yang-data+xml");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("<unique-id>" + SERIAL_A + "</unique-id>");
    assertThat(phs.progress().status(SERIAL_A).state()).isEqualTo(DeviceState.REQUESTED);
  }

  @Test
  void anotherSerialIs403ThroughTheServletToo() throws Exception {
    PhoneHomeServer phs = PhoneHomeServer.builder().records(Fixtures.records()).build();
    HttpServletRequest req = request("", PATH + SERIAL_B, SERIAL_A);
    HttpServletResponse resp = mock(HttpServletResponse.class);
    ByteArrayOutputStream out = body(resp);
    new PhoneHomeServlet(phs.handler()).service(req, resp);
    verify(resp).setStatus(403);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("access-denied").doesNotContain("sw-b");
  }
}
