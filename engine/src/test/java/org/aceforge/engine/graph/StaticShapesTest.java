package org.aceforge.engine.graph;

import org.aceforge.engine.graph.OnnxGraph.V;
import org.aceforge.engine.tensors.DType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the builder knows of shapes before run time: exact where the sizes follow from the inputs' named sizes, a
 * placeholder equal to nothing else where they do not (so an unknown size is never taken for a known one), and the
 * gradient rules using it to skip the run-time summing back (GradientsTest checks the numbers both ways).
 */
class StaticShapesTest {
    private static final Dim BATCH = Dim.named("batch"), FRAMES = Dim.named("frames");

    @Test
    void reshapesFollowNamedSizesAndCopiedDimensions() {
        OnnxGraph g = new OnnxGraph("t");
        V x = g.input("x", DType.F32, "batch", "frames", 64L);
        V split = g.reshape(x, 0, 0, 8, 8);
        V back = g.reshape(split, 0, 0, -1);
        V flat = g.reshape(x, -1, 64);
        V halves = g.reshape(x, 0, -1, 128);   // frames·64 / 128 is no whole product of the named sizes
        StaticShapes s = new StaticShapes(g);
        assertArrayEquals(new Dim[]{BATCH, FRAMES, Dim.of(8), Dim.of(8)}, s.shape(split.name()));
        assertArrayEquals(s.shape(x.name()), s.shape(back.name()));
        assertArrayEquals(new Dim[]{BATCH.times(FRAMES), Dim.of(64)}, s.shape(flat.name()));
        Dim[] h = s.shape(halves.name());
        assertEquals(BATCH, h[0]);
        assertEquals(Dim.of(128), h[2]);
        assertFalse(h[1].isNumber());
        assertNotEquals(FRAMES, h[1]);
    }

    @Test
    void shapeArithmeticAsTheLinearLayersUseIt() {
        OnnxGraph g = new OnnxGraph("t");
        V x = g.input("x", DType.F32, "batch", "frames", 64L);
        V lead = g.op("Shape", new Attr[]{Attr.i("start", 0), Attr.i("end", -1)}, x);
        V target = g.concat(0, lead, g.longs(256));
        V y = g.reshape(g.input("flat", DType.F32, "rows", 256L), target);
        StaticShapes s = new StaticShapes(g);
        assertArrayEquals(new Dim[]{BATCH, FRAMES}, s.value(lead.name()));
        assertArrayEquals(new Dim[]{BATCH, FRAMES, Dim.of(256)}, s.shape(y.name()));
        V length = g.op("Squeeze", g.op("Shape", new Attr[]{Attr.i("start", 1), Attr.i("end", 2)}, x), g.longs(0));
        V range = g.op("Range", g.longScalar(0), length, g.longScalar(1));
        assertArrayEquals(new Dim[]{FRAMES}, s.shape(range.name()));
    }

    @Test
    void broadcastingKnowsOnesAndNothingElse() {
        OnnxGraph g = new OnnxGraph("t");
        V x = g.input("x", DType.F32, "batch", "frames", 64L);
        V gate = g.input("gate", DType.F32, "batch", 1L, 64L);
        V other = g.input("other", DType.F32, "n", "m", 64L);
        V y = g.mul(gate, x);
        V z = g.add(x, other);
        StaticShapes s = new StaticShapes(g);
        assertArrayEquals(s.shape(x.name()), s.shape(y.name()));
        Dim[] zs = s.shape(z.name());
        assertNotEquals(BATCH, zs[0]);   // batch or n: either may be 1 at run time
        assertNotEquals(Dim.named("n"), zs[0]);
        assertEquals(Dim.of(64), zs[2]);
    }

    @Test
    void runTimeSlicesAndPadsBecomePlaceholdersOnlyWhereTheyCut() {
        OnnxGraph g = new OnnxGraph("t");
        V x = g.input("x", DType.F32, "batch", "frames", 64L);
        V end = g.input("end", DType.I64, 1L);
        V cut = g.op("Slice", x, g.longs(0), end, g.longs(1));
        V pad = g.op("Mod", g.dim(x, 1), g.longs(2));
        V padded = g.op("Pad", x, g.concat(0, g.longs(0, 0, 0, 0), pad, g.longs(0)));
        V whole = g.slice(x, 2, 0, 32);
        StaticShapes s = new StaticShapes(g);
        Dim[] c = s.shape(cut.name());
        assertEquals(BATCH, c[0]);
        assertNotEquals(FRAMES, c[1]);
        assertEquals(Dim.of(64), c[2]);
        Dim[] p = s.shape(padded.name());
        assertEquals(BATCH, p[0]);
        assertNotEquals(FRAMES, p[1]);
        assertEquals(Dim.of(64), p[2]);
        assertArrayEquals(new Dim[]{BATCH, FRAMES, Dim.of(32)}, s.shape(whole.name()));
        assertNull(s.shape("no such value"));
    }

    @Test
    void gradientsSumBackWithoutShapeNodesWhereTheShapesAreKnown() {
        assertFalse(opTypes(true).contains("NonZero"), "known shapes: the reduction axes are constants");
        assertTrue(opTypes(false).contains("NonZero"), "unrelated symbolic sizes: decided at run time");
    }

    /** The op types of d(Σ gate ⊙ x)/d gate, with the gate's batch named like x's or not. */
    private static List<String> opTypes(boolean sameBatch) {
        OnnxGraph g = new OnnxGraph("t");
        V x = g.input("x", DType.F32, "batch", "frames", 64L);
        V gate = g.input("gate", DType.F32, sameBatch ? "batch" : "b2", 1L, 64L);
        V loss = g.op("ReduceSum", new Attr[]{Attr.i("keepdims", 0)}, g.mul(gate, x));
        Gradients.list(g, loss, List.of(gate));
        return g.nodes().stream().map(n -> n.getOpType()).toList();
    }
}
