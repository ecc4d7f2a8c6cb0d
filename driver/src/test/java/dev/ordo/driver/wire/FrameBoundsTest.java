package dev.ordo.driver.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lengths and counts a frame declares are checked against the bytes it holds, before anything is allocated. */
class FrameBoundsTest {
  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static FrameInput frame(Body body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    body.write(new DataOutputStream(b));
    return new FrameInput(new ByteArrayInputStream(b.toByteArray()));
  }

  @Test
  void anArrayCountBeyondTheFrameIsRefusedBeforeAllocating() throws IOException {
    FrameInput in = frame(out -> {
      out.writeByte(Values.ARRAY);
      out.writeInt(1 << 24); // 16 M elements declared, 3 bytes present
      out.write(new byte[3]);
    });
    ProtocolException e = assertThrows(ProtocolException.class, () -> Values.read(in));
    assertTrue(e.getMessage().contains("array element count 16777216 exceeds"), e.getMessage());
  }

  @Test
  void aStringLengthBeyondTheFrameIsRefused() throws IOException {
    FrameInput in = frame(out -> {
      out.writeByte(Values.STRING);
      out.writeInt(200 << 20);
      out.writeBytes("short");
    });
    ProtocolException e = assertThrows(ProtocolException.class, () -> Values.read(in));
    assertTrue(e.getMessage().contains("length 209715200 exceeds the 5 bytes left"), e.getMessage());
  }

  @Test
  void arraysNestDownToTheLimitAndNoDeeper() throws IOException {
    Object deepest = 7;
    for (int i = 0; i < Values.MAX_DEPTH; i++) {
      deepest = new Object[] {deepest};
    }
    Object allowed = deepest;
    Object read = Values.read(frame(out -> Values.write(out, allowed)));
    for (int i = 0; i < Values.MAX_DEPTH; i++) {
      read = ((Object[]) read)[0];
    }
    assertEquals(7, read);
    Object tooDeep = new Object[] {allowed};
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> Values.read(frame(out -> Values.write(out, tooDeep))));
    assertTrue(e.getMessage().contains("nested deeper than " + Values.MAX_DEPTH), e.getMessage());
  }

  @Test
  void aHelloWithMorePropertiesThanItsBytesIsRefused() throws IOException {
    FrameInput in = frame(out -> {
      out.writeByte(Request.T_HELLO);
      out.writeInt(Request.MAGIC);
      out.writeShort(Request.VERSION);
      Values.writeString(out, "ordo");
      Values.writeString(out, null);
      Values.writeString(out, null);
      out.writeInt(1000); // 1,000 properties declared, none present
    });
    ProtocolException e = assertThrows(ProtocolException.class, () -> Request.read(in));
    assertTrue(e.getMessage().contains("property count 1000 exceeds"), e.getMessage());
  }

  @Test
  void validFramesStillDecode() throws IOException {
    Request.Hello h = new Request.Hello(Request.VERSION, "ordo", "app", "secret", Map.of("applicationName", "x"));
    assertEquals(h, Request.read(frame(h::write)));
    List<Object> params = new ArrayList<>();
    params.add(null);
    params.add(new byte[] {1, 2, 3});
    params.add(new Object[] {"a", new Object[] {1L, null}});
    Request.Execute e = (Request.Execute) Request.read(frame(
        new Request.Execute(Request.FLAG_AUTOCOMMIT, 0, "SELECT ?, ?, ?", params, KeyRequest.NONE)::write));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) e.params().get(1));
  }

  @Test
  void rowsOfNoColumnsTakeNoBytesAndStillDecode() throws IOException {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(new Object[0]);
    }
    ResultData data = new ResultData(List.of(), rows);
    assertEquals(1000, ResultData.read(frame(data::write)).rows().size());
  }
}
