package org.aceforge.engine.request;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request value the user can fix: the field and the problem, one line. The problem may name other fields as
 * {@code {FIELD}} (an enum name of {@link RequestField}); each front end words the whole with its own names
 * ({@link #wordedFor}): "--duration 5 is out of range…" on the command line, "Duration (s): 5 is out of range…" in
 * the studio, "audio_duration: 5 is out of range…" from the server. {@link #getMessage()} is the command line's.
 */
public final class BadRequestException extends IllegalArgumentException {
    private static final Pattern TOKEN = Pattern.compile("\\{([A-Z_]+)}");
    private final RequestField field;
    private final String problem;

    /** A problem with one field; {@code problem} follows the field's name ("5 is out of range: use 10 to 600"). */
    public BadRequestException(RequestField field, String problem) {
        super(FieldNames.CLI.name(field) + FieldNames.CLI.separator() + resolve(problem, FieldNames.CLI));
        this.field = field;
        this.problem = problem;
    }

    /** A problem of the command line itself (how flags were combined), worded for it alone. */
    public BadRequestException(String message) {
        super(message);
        this.field = null;
        this.problem = message;
    }

    /** The field at fault, or null for a problem of the command line itself. */
    public RequestField field() { return field; }

    /** The problem without the field's name, other fields named by {@code names}. */
    public String problem(FieldNames names) { return resolve(problem, names); }

    /** The whole message in a front end's words: its name for the field, then the problem. */
    public String wordedFor(FieldNames names) {
        return field == null ? problem : names.name(field) + names.separator() + resolve(problem, names);
    }

    private static String resolve(String text, FieldNames names) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(names.name(RequestField.valueOf(m.group(1)))));
        return m.appendTail(b).toString();
    }

    /** A number as problems quote it: whole numbers without ".0". */
    public static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
