package org.aceforge.engine.tensors;

import org.aceforge.engine.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointIoTest {
    @TempDir
    Path tmp;

    @Test
    void safetensorsRoundTripWithHalfAndBfloat16() throws Exception {
        float[] v = {1.5f, -2.25f, 0.0078125f, 3.0f};
        ByteBuffer bf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer hf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            bf.putShort((short) (Float.floatToIntBits(x) >>> 16));
            hf.putShort(ai.onnxruntime.platform.Fp16Conversions.floatToFp16(x));
        }
        Path f = tmp.resolve("w.safetensors");
        SafeTensorsWriter.write(f, List.of(TensorData.ofFloats("a", v, 2, 2),
                new TensorData("b", DType.BF16, new long[]{4}, bf.flip()), new TensorData("h", DType.F16, new long[]{4}, hf.flip())));
        SafeTensors st = SafeTensors.open(f);
        assertArrayEquals(v, st.floats("a"));
        assertArrayEquals(v, st.floats("b"));
        assertArrayEquals(v, st.floats("h"));
        assertArrayEquals(new long[]{2, 2}, st.get("a").shape());
        assertTrue(st.get("a").bytes().isDirect(), "memory-mapped");
        assertThrows(WeightSource.MissingTensorException.class, () -> st.get("zzz"));
    }

    @Test
    void brokenSafetensorsGiveClearErrors() throws Exception {
        Path empty = tmp.resolve("e.safetensors");
        Files.write(empty, new byte[3]);
        assertTrue(assertThrows(java.io.IOException.class, () -> SafeTensors.open(empty)).getMessage().contains("not a safetensors"));
        Path huge = tmp.resolve("h.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThrows(java.io.IOException.class, () -> SafeTensors.open(huge));
    }

    @Test
    void torchTensorArchiveRoundTripAndFixture() throws Exception {
        Path f = tmp.resolve("silence_latent.pt");
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f;
        TorchTensorFile.write(f, v, 1, 3, 8);
        TensorData t = TorchTensorFile.read(f);
        assertArrayEquals(new long[]{1, 3, 8}, t.shape());
        assertArrayEquals(v, t.toFloats());
        TensorData real = TorchTensorFile.read(Fixtures.dir("acestep-tiny").resolve("silence_latent.pt"));
        assertArrayEquals(new long[]{1, 8, 64}, real.shape());
        Path junk = tmp.resolve("junk.pt");
        Files.writeString(junk, "not a zip");
        assertThrows(java.io.IOException.class, () -> TorchTensorFile.read(junk));
    }

    @Test
    void npyRoundTripAndFortranOrder() throws Exception {
        Path f = tmp.resolve("x.npy");
        Npy.writeFloats(f, new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        TensorData t = Npy.read(f);
        assertArrayEquals(new long[]{2, 3}, t.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, t.toFloats());
        Npy.write(tmp.resolve("i.npy"), TensorData.ofLongs("i", new long[]{7, 63999}, 2));
        assertArrayEquals(new long[]{7, 63999}, Npy.read(tmp.resolve("i.npy")).toLongs());
        TensorData vae = Npy.read(Fixtures.dir("vae-tiny").resolve("out_decoded.npy"));   // stored column-major
        assertEquals(3, vae.shape().length);
    }
}
