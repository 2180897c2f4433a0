package org.aceforge.engine.request;

/** How a front end names a {@link RequestField} in its error messages. */
@FunctionalInterface
public interface FieldNames {
    String name(RequestField field);

    /** What stands between the field's name and the problem: a space after a flag, ": " after a label. */
    default String separator() { return ": "; }

    /** The command line: flags ("--duration 5 is out of range…"). */
    FieldNames CLI = new FieldNames() {
        public String name(RequestField f) { return f.flag(); }
        public String separator() { return " "; }
    };

    /** The server: JSON field names ("audio_duration: 5 is out of range…"). */
    FieldNames JSON = RequestField::json;
}
