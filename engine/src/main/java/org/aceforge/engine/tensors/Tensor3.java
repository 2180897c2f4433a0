package org.aceforge.engine.tensors;

import java.util.Arrays;

/** A float tensor [batch, frames, channels] in row-major order: latents, conditions, velocities. */
public record Tensor3(float[] data, int batch, int frames, int channels) {

    public Tensor3 {
        if ((long) batch * frames * channels != data.length)
            throw new IllegalArgumentException("shape [" + batch + ", " + frames + ", " + channels + "] does not match " + data.length + " values");
    }

    public static Tensor3 zeros(int batch, int frames, int channels) {
        return new Tensor3(new float[batch * frames * channels], batch, frames, channels);
    }

    public static Tensor3 of(TensorData t) {
        long[] s = t.shape();
        if (s.length == 2) return new Tensor3(t.toFloats(), 1, (int) s[0], (int) s[1]);
        if (s.length != 3) throw new IllegalArgumentException(t.name() + ": expected [B, T, C], got " + t.shapeString());
        return new Tensor3(t.toFloats(), (int) s[0], (int) s[1], (int) s[2]);
    }

    public TensorData toTensorData(String name) {
        return TensorData.ofFloats(name, data, batch, frames, channels);
    }

    public int itemSize() {
        return frames * channels;
    }

    public Tensor3 item(int b) {
        return new Tensor3(Arrays.copyOfRange(data, b * itemSize(), (b + 1) * itemSize()), 1, frames, channels);
    }

    public Tensor3 copy() {
        return new Tensor3(data.clone(), batch, frames, channels);
    }

    /** The same single item repeated n times along the batch axis. */
    public Tensor3 repeatBatch(int n) {
        float[] out = new float[data.length * n];
        for (int i = 0; i < n; i++) System.arraycopy(data, 0, out, i * data.length, data.length);
        return new Tensor3(out, batch * n, frames, channels);
    }

    public static Tensor3 concatBatch(Tensor3 a, Tensor3 b) {
        if (a.frames != b.frames || a.channels != b.channels) throw new IllegalArgumentException("batch concat of different shapes");
        float[] out = Arrays.copyOf(a.data, a.data.length + b.data.length);
        System.arraycopy(b.data, 0, out, a.data.length, b.data.length);
        return new Tensor3(out, a.batch + b.batch, a.frames, a.channels);
    }

    /** Concatenation along the channel axis. */
    public static Tensor3 concatChannels(Tensor3 a, Tensor3 b) {
        if (a.batch != b.batch || a.frames != b.frames) throw new IllegalArgumentException("channel concat of different shapes");
        int c = a.channels + b.channels;
        float[] out = new float[a.batch * a.frames * c];
        for (int r = 0; r < a.batch * a.frames; r++) {
            System.arraycopy(a.data, r * a.channels, out, r * c, a.channels);
            System.arraycopy(b.data, r * b.channels, out, r * c + a.channels, b.channels);
        }
        return new Tensor3(out, a.batch, a.frames, c);
    }

    /** Frames [from, to) of every item. */
    public Tensor3 frames(int from, int to) {
        int n = to - from;
        float[] out = new float[batch * n * channels];
        for (int b = 0; b < batch; b++)
            System.arraycopy(data, (b * frames + from) * channels, out, b * n * channels, n * channels);
        return new Tensor3(out, batch, n, channels);
    }

    /** Halves of a batch (for CFG: conditional first, unconditional second). */
    public Tensor3[] splitBatch() {
        int half = data.length / 2;
        return new Tensor3[]{new Tensor3(Arrays.copyOfRange(data, 0, half), batch / 2, frames, channels),
                new Tensor3(Arrays.copyOfRange(data, half, data.length), batch / 2, frames, channels)};
    }
}
