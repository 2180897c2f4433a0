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

/** The timbre rows of a reference seen last (the silence of every render without one) are not encoded again. */
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
}
