package org.aceforge.engine.pipeline;

import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.tensors.Tensor3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The timbre rows of a reference seen last (the silence of every render without one) are not encoded again; the
 * last caption's hidden state, the last condition and its cross-attention keys and values are reused (a re-roll)
 * until the models are told to forget them (the song bench).
 */
class TimbreCacheTest {
    @TempDir
    Path tmp;

    @Test
    void theSameReferenceIsEncodedOnceAndAnotherIsEncodedAnew() throws Exception {
        try (DitModel dit = new DitModel(DemoPackFixture.pack().dit(ModelPack.Variant.TURBO), new GraphCache(tmp))) {
            Tensor3 silence = dit.silence(dit.config().timbreFixFrame());
            Tensor3 first = dit.timbre(silence);
            assertSame(first, dit.timbre(new Tensor3(silence.data().clone(), 1, silence.frames(), silence.channels())));
            float[] other = silence.data().clone();
            other[5] += 0.5f;
            Tensor3 changed = dit.timbre(new Tensor3(other, 1, silence.frames(), silence.channels()));
            assertNotSame(first, changed);
            try (DitModel fresh = new DitModel(DemoPackFixture.pack().dit(ModelPack.Variant.TURBO), new GraphCache(tmp))) {
                assertArrayEquals(first.data(), fresh.timbre(silence).data(), "a cached row is what encoding gives");
            }
        }
    }

    @Test
    void crossKeysAndValuesAreReusedUntilForgotten() throws Exception {
        try (DitModel dit = new DitModel(DemoPackFixture.pack().dit(ModelPack.Variant.TURBO), new GraphCache(tmp))) {
            Tensor3 refs = dit.silence(dit.config().timbreFixFrame());
            int hidden = dit.config().textHiddenDim();
            Tensor3 text = new Tensor3(new float[3 * hidden], 1, 3, hidden), lyrics = new Tensor3(new float[2 * hidden], 1, 2, hidden);
            for (int i = 0; i < text.data().length; i++) text.data()[i] = (float) Math.sin(i);
            Tensor3 enc = dit.encodeCondition(text, lyrics, refs);
            assertSame(enc, dit.encodeCondition(copy(text), copy(lyrics), copy(refs)), "the same condition is encoded once");
            Tensor3 otherText = copy(text);
            otherText.data()[4] += 1;
            assertNotSame(enc, dit.encodeCondition(otherText, lyrics, refs), "another caption is encoded anew");
            enc = dit.encodeCondition(text, lyrics, refs);
            var first = dit.crossKeysAndValues(enc);
            assertSame(first, dit.crossKeysAndValues(new Tensor3(enc.data().clone(), enc.batch(), enc.frames(), enc.channels())));
            dit.forgetCondition();
            Tensor3 encAgain = dit.encodeCondition(text, lyrics, refs);
            assertNotSame(enc, encAgain);
            assertArrayEquals(enc.data(), encAgain.data(), "encoded again is the same");
            var again = dit.crossKeysAndValues(enc);
            assertNotSame(first, again);
            for (String name : first.keySet())
                assertArrayEquals(first.get(name).toFloats(), again.get(name).toFloats(), name + " computed again is the same");
        }
    }

    @Test
    void theLastCaptionIsEncodedOnceUntilForgotten() throws Exception {
        try (TextEncoderModel text = new TextEncoderModel(DemoPackFixture.pack().textEncoder(), new GraphCache(tmp))) {
            long[] ids = text.tokenizeCaption("a calm piano");
            Tensor3 first = text.encodeIds(ids);
            assertSame(first, text.encodeIds(ids.clone()));
            assertNotSame(first, text.encodeIds(text.tokenizeCaption("a loud drum")));
            Tensor3 back = text.encodeIds(ids);
            text.forget();
            Tensor3 again = text.encodeIds(ids);
            assertNotSame(back, again);
            assertArrayEquals(first.data(), again.data(), "encoded again is the same");
        }
    }

    private static Tensor3 copy(Tensor3 t) {
        return new Tensor3(t.data().clone(), t.batch(), t.frames(), t.channels());
    }
}
