package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.request.RequestField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The studio words engine validation errors with its own labels, in its current language, never with flags. */
class StudioFieldNamesTest {
    @AfterEach
    void english() {
        I18n.use("en");
    }

    static BadRequestException badDuration() {
        return assertThrows(BadRequestException.class, () -> RenderRequest.builder().caption("x").duration(5)
                .output(Path.of("target/x.wav")).build().validate());
    }

    @Test
    void aBadDurationReadsAsTheDurationField() {
        I18n.use("en");
        assertEquals("Duration (s): 5 is out of range: use 10 to 600 seconds, or -1 for auto", StudioFieldNames.message(badDuration()));
        assertEquals("duration", StudioFieldNames.fieldKey(badDuration()));
        I18n.use("zh");
        assertTrue(StudioFieldNames.message(badDuration()).startsWith(I18n.t("field.duration") + ": 5 "));
    }

    @Test
    void otherFieldsInsideAMessageAreLabelsToo() {
        I18n.use("en");
        BadRequestException e = assertThrows(BadRequestException.class, () -> RenderRequest.builder().caption("x")
                .task("repaint").source(Path.of("pom.xml")).output(Path.of("target/x.wav")).build().validate());
        assertEquals("Task: repaint needs a region: Region (a start and an end in seconds)", StudioFieldNames.message(e));
    }

    @Test
    void everyFieldHasALabelInEveryLanguage() {
        for (String language : new String[]{"en", "zh", "ja"}) {
            I18n.use(language);
            for (RequestField f : RequestField.values())
                assertNotEquals("field." + f.key(), I18n.t("field." + f.key()), language + ": no label for " + f);
        }
    }

    /** The repaint modes' tooltip says what each does, the aggressive one changing the whole file, in every language. */
    @Test
    void theRepaintModeTooltipSaysWhatEachModeDoes() {
        for (String language : new String[]{"en", "zh", "ja"}) {
            I18n.use(language);
            String tip = I18n.t("field.repaintMode.tip");
            for (String mode : new String[]{"conservative", "balanced", "aggressive"})
                org.junit.jupiter.api.Assertions.assertTrue(tip.contains(mode), language + ": " + tip);
        }
        I18n.use("en");
        org.junit.jupiter.api.Assertions.assertTrue(I18n.t("field.repaintMode.tip").contains("whole file"));
    }
}
