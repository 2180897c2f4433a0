package org.aceforge.engine.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 5 Hz audio codes as users paste them: the LM's own spelling {@code <|audio_code_N|>…}, or plain numbers separated
 * by commas or spaces. Every code must be an FSQ index 0–63,999.
 */
public final class AudioCodes {
    private static final Pattern TOKEN = Pattern.compile("<\\|audio_code_(\\d+)\\|>");

    private AudioCodes() {}

    /** Parses codes; the message of the exception says what is wrong, in one line. */
    public static long[] parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("no audio codes given");
        String t = text.strip();
        List<Long> out = new ArrayList<>();
        if (t.contains("<|")) {
            Matcher m = TOKEN.matcher(t);
            int at = 0;
            while (m.find()) {
                if (!t.substring(at, m.start()).isBlank()) throw new IllegalArgumentException("unexpected text between audio codes: '" + shorten(t.substring(at, m.start())) + "'");
                out.add(code(m.group(1)));
                at = m.end();
            }
            if (!t.substring(at).isBlank()) throw new IllegalArgumentException("unexpected text after the audio codes: '" + shorten(t.substring(at)) + "'");
        } else {
            for (String s : t.split("[,\\s]+")) out.add(code(s));
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long code(String s) {
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + shorten(s) + "' is not an audio code (use <|audio_code_N|> or numbers 0 to 63999)");
        }
        if (v < 0 || v >= LmTokenizer.AUDIO_CODES) throw new IllegalArgumentException("audio code " + v + " is out of range: codes are 0 to 63999");
        return v;
    }

    private static String shorten(String s) {
        return s.length() > 30 ? s.substring(0, 30) + "…" : s;
    }

    /** The LM's spelling of codes. */
    public static String format(long[] codes) {
        return LmPlanner.codeString(codes);
    }
}
