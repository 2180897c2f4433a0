package org.aceforge.engine.text;

import java.util.List;
import java.util.Locale;

/**
 * The text the DiT is conditioned on: the caption prompt (instruction, caption, metadata) that goes through the whole
 * text encoder, and the lyric prompt whose token embeddings feed the lyric encoder.
 */
public final class Prompts {
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String INSTRUMENTAL = "[Instrumental]";

    /** Track names accepted by extract, lego and complete. */
    public static final List<String> TRACKS = List.of("woodwinds", "brass", "fx", "synth", "strings", "percussion",
            "keyboard", "guitar", "bass", "drums", "backing_vocals", "vocals");

    public static final String TEXT2MUSIC = "Fill the audio semantic mask based on the given conditions:";
    public static final String REPAINT = "Repaint the mask area based on the given conditions:";
    public static final String COVER = "Generate audio semantic tokens based on the given conditions:";

    private Prompts() {}

    /** Extract: "Extract the {TRACK} track from the audio:". */
    public static String extract(String track) {
        return track == null ? "Extract the track from the audio:" : "Extract the " + track.toUpperCase(Locale.ROOT) + " track from the audio:";
    }

    public static String lego(String track) {
        return track == null ? "Generate the track based on the audio context:"
                : "Generate the " + track.toUpperCase(Locale.ROOT) + " track based on the audio context:";
    }

    public static String complete(List<String> tracks) {
        if (tracks == null || tracks.isEmpty()) return "Complete the input track:";
        return "Complete the input track with " + String.join(" | ", tracks.stream().map(t -> t.toUpperCase(Locale.ROOT)).toList()) + ":";
    }

    /** Metadata block: each line ends with a newline; unknown values are N/A. */
    public static String metas(Integer bpm, String timeSignature, String key, double durationSeconds) {
        return "- bpm: " + (bpm == null ? "N/A" : bpm) + "\n"
                + "- timesignature: " + (blank(timeSignature) ? "N/A" : timeSignature) + "\n"
                + "- keyscale: " + (blank(key) ? "N/A" : key) + "\n"
                + "- duration: " + (int) durationSeconds + " seconds\n";
    }

    /** The caption prompt (SFT generation template); the instruction is forced to end with ':'. */
    public static String caption(String instruction, String caption, String metas) {
        String ins = instruction.strip();
        if (!ins.endsWith(":")) ins = ins + ":";
        return "# Instruction\n" + ins + "\n\n# Caption\n" + caption + "\n\n# Metas\n" + metas + END_OF_TEXT + "\n";
    }

    /** The lyric prompt; instrumental songs use the literal lyrics [Instrumental]. */
    public static String lyrics(String language, String lyrics, boolean instrumental) {
        String text = instrumental || blank(lyrics) ? INSTRUMENTAL : lyrics;
        return "# Languages\n" + (blank(language) ? "unknown" : language) + "\n\n# Lyric\n" + text + END_OF_TEXT;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
