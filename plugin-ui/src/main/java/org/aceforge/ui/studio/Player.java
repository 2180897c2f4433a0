package org.aceforge.ui.studio;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Plays interleaved stereo float audio through javax.sound on its own thread. On a machine without an audio device
 * it reports that once (through {@code onProblem}) and stays silent. Methods may be called from the EDT.
 */
public final class Player implements AudioOut {
    private final Consumer<String> onProblem;
    private volatile Thread thread;
    private volatile boolean stop;
    private boolean warned;

    public Player(Consumer<String> onProblem) {
        this.onProblem = onProblem;
    }

    @Override
    public synchronized void play(float[] stereo, int rate, int from, int to, boolean loop, DoubleConsumer position, Runnable done) {
        stop();
        SourceDataLine line;
        AudioFormat fmt = new AudioFormat(rate, 16, 2, true, false);
        try {
            line = AudioSystem.getSourceDataLine(fmt);
            line.open(fmt, rate / 5 * 4);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            if (!warned) onProblem.accept(I18n.t("player.noDevice"));
            warned = true;
            done.run();
            return;
        }
        stop = false;
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096 * 4];
            line.start();
            int start = Math.max(0, from), pos = start, end = Math.min(stereo.length / 2, to);
            while (!stop && pos < end) {
                int n = Math.min(4096, end - pos);
                for (int i = 0; i < n; i++)
                    for (int c = 0; c < 2; c++) {
                        short s = (short) Math.max(-32768, Math.min(32767, Math.round(stereo[2 * (pos + i) + c] * 32767)));
                        buf[4 * i + 2 * c] = (byte) s;
                        buf[4 * i + 2 * c + 1] = (byte) (s >> 8);
                    }
                line.write(buf, 0, 4 * n);
                pos += n;
                position.accept(pos / (double) rate);
                if (loop && pos >= end) pos = start;
            }
            if (!stop) line.drain();
            line.close();
            done.run();
        }, "aceforge-player");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public synchronized void stop() {
        stop = true;
        Thread t = thread;
        thread = null;
        if (t != null) {
            try {
                t.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean playing() {
        return thread != null;
    }
}
