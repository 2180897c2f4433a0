package org.aceforge.engine.tasks;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The stems ACE-Step 1.5 knows by name (extract, lego, complete); the prompts spell them in capitals. */
public enum Track {
    WOODWINDS, BRASS, FX, SYNTH, STRINGS, PERCUSSION, KEYBOARD, GUITAR, BASS, DRUMS, BACKING_VOCALS, VOCALS;

    /** The name users type and sidecars record: "backing_vocals". */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The track of a name in any case; an unknown name is a {@link BadRequestException} for {@code field}. */
    public static Track parse(String name, RequestField field) {
        for (Track t : values()) if (t.key().equalsIgnoreCase(name.strip())) return t;
        throw new BadRequestException(field, name + " is unknown: use " + (field == RequestField.TRACKS ? "names from " : "one of ") + names());
    }

    /** Every name, comma-separated, in the order the model card lists them. */
    public static String names() {
        return Arrays.stream(values()).map(Track::key).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return key();
    }
}
