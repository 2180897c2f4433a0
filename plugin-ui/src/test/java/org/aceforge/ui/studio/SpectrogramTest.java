package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectrogramTest {
    @Test
    void aToneIsBrightestOnItsOwnRow() {
        int rate = 48_000, h = 200;
        float[] stereo = new float[2 * rate];
        for (int i = 0; i < rate; i++) stereo[2 * i] = stereo[2 * i + 1] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
        BufferedImage img = Spectrogram.image(stereo, rate, 0, 1, 40, h);
        int x = 20, best = 0;
        for (int y = 1; y < h; y++) if (Spectrogram.level(img.getRGB(x, y)) > Spectrogram.level(img.getRGB(x, best))) best = y;
        assertEquals(Spectrogram.rowOf(440, rate, h), best, 2, "440 Hz row");
        assertTrue(Spectrogram.level(img.getRGB(x, Spectrogram.rowOf(5000, rate, h))) < Spectrogram.level(img.getRGB(x, best)) - 0.3,
                "5 kHz is dark");
        assertEquals(440, Spectrogram.hzOfRow(Spectrogram.rowOf(440, rate, h), rate, h), 440 * 0.03);
    }
}
