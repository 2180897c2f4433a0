package org.aceforge.ui.studio;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.FieldNames;
import org.aceforge.engine.request.RequestField;

/**
 * How the studio names a request field in its messages: by the field's label in the current language
 * ({@code field.<key>}), so an engine validation error reads "Duration (s): 5 is out of range…", not "--duration 5…".
 * EDT (the language is the studio's current one).
 */
final class StudioFieldNames implements FieldNames {
    static final StudioFieldNames INSTANCE = new StudioFieldNames();

    private StudioFieldNames() {}

    @Override
    public String name(RequestField field) {
        return I18n.t("field." + field.key());
    }

    /** A failure as the studio shows it: a bad request in the studio's words, anything else by its message. */
    static String message(Throwable e) {
        if (e instanceof BadRequestException b) return b.wordedFor(INSTANCE);
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The studio key of the field a failure names, or null. */
    static String fieldKey(Throwable e) {
        return e instanceof BadRequestException b && b.field() != null ? b.field().key() : null;
    }
}
