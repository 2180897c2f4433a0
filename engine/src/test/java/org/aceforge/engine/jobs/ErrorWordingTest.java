package org.aceforge.engine.jobs;

import org.aceforge.engine.request.FieldNames;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.request.BadRequestException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation errors carry the field and the problem; the command line and the server word them their own way. */
class ErrorWordingTest {
    static RenderRequest.Builder good() {
        return RenderRequest.builder().caption("warm keys").duration(30).output(Path.of("target/x.wav"));
    }

    static BadRequestException bad(UnaryOperator<RenderRequest.Builder> change) {
        return assertThrows(BadRequestException.class, () -> change.apply(good()).build().validate());
    }

    @Test
    void theCommandLineNamesFlagsAndTheServerJsonFields() {
        BadRequestException e = bad(b -> b.duration(5));
        assertEquals(RequestField.DURATION, e.field());
        assertEquals("--duration 5 is out of range: use 10 to 600 seconds, or -1 for auto", e.getMessage());
        assertEquals(e.getMessage(), e.wordedFor(FieldNames.CLI));
        assertEquals("audio_duration: 5 is out of range: use 10 to 600 seconds, or -1 for auto", e.wordedFor(FieldNames.JSON));
    }

    @Test
    void otherFieldsInAProblemAreNamedTheSameWay() {
        BadRequestException e = bad(b -> b.task("cover").source(Path.of("pom.xml")).codes(new long[100]));
        assertEquals(RequestField.CODES, e.field());
        assertEquals("--codes work with text2music only (--task is cover)", e.getMessage());
        assertEquals("audio_code_string: work with text2music only (task_type is cover)", e.wordedFor(FieldNames.JSON));
        BadRequestException r = bad(b -> b.task("repaint").source(Path.of("pom.xml")));
        assertEquals("--task repaint needs a region: --range (a start and an end in seconds)", r.getMessage());
        assertEquals("task_type: repaint needs a region: repainting_start (a start and an end in seconds)", r.wordedFor(FieldNames.JSON));
    }

    @Test
    void everyValidationErrorNamesItsField() {
        List<UnaryOperator<RenderRequest.Builder>> cases = List.of(
                b -> b.task("remix"), b -> b.caption(" "), b -> b.batch(9), b -> b.seeds(List.of(-2L)),
                b -> b.bpm(20), b -> b.timeSignature("5"), b -> b.key("H major"), b -> b.language("xx"),
                b -> b.steps(0), b -> b.shift(9.0), b -> b.method("euler"), b -> b.guidance(50.0),
                b -> b.cfgInterval(0.8, 0.2), b -> b.timesteps(new double[]{2}), b -> b.variant("huge"), b -> b.output(null),
                b -> b.codeStrength(2), b -> b.lora(null, 9), b -> b.lrc(true).task("cover").source(Path.of("pom.xml")),
                b -> b.task("cover"), b -> b.task("cover").source(Path.of("missing.wav")), b -> b.source(Path.of("pom.xml")),
                b -> b.range(1, 2), b -> b.task("cover").source(Path.of("pom.xml")).strength(2.0),
                b -> b.task("cover").source(Path.of("pom.xml")).noiseStrength(-1.0),
                b -> b.task("repaint").source(Path.of("pom.xml")).range(5, 1),
                b -> b.task("extract").source(Path.of("pom.xml")), b -> b.task("complete").source(Path.of("pom.xml")),
                b -> b.task("cover").source(Path.of("pom.xml")).repaintMode("wild"),
                b -> b.task("cover").source(Path.of("pom.xml")).regionOnly(true),
                b -> b.lm(new LmRequest(false, null, new org.aceforge.engine.lm.LmOptions(5, 2, 0, 0.9, "", true, true, true), null, 8, false, false)),
                b -> b.lm(new LmRequest(false, null, org.aceforge.engine.lm.LmOptions.defaults(), " ", 8, false, false)));
        for (UnaryOperator<RenderRequest.Builder> c : cases) {
            BadRequestException e = bad(c);
            assertNotNull(e.field(), e.getMessage());
            assertTrue(e.getMessage().startsWith(e.field().flag()), e.getMessage());
            assertTrue(!e.wordedFor(FieldNames.JSON).contains("--"), "a server message names no flag: " + e.wordedFor(FieldNames.JSON));
        }
    }

    @Test
    void eachFieldHasItsOwnFlagKeyAndJsonName() {
        RequestField[] all = RequestField.values();
        assertEquals(all.length, new HashSet<>(Arrays.stream(all).map(RequestField::flag).toList()).size());
        assertEquals(all.length, new HashSet<>(Arrays.stream(all).map(RequestField::key).toList()).size());
        assertEquals(all.length, new HashSet<>(Arrays.stream(all).map(RequestField::json).toList()).size());
    }
}
