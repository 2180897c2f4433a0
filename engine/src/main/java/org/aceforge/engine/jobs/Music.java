package org.aceforge.engine.jobs;

import org.aceforge.engine.lm.Keys;
import org.aceforge.engine.lm.LmTokenizer;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.tasks.TaskKind;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * What the music should be: the text, the metadata, and what else it follows. Null means "not given" (the model
 * decides, or for an edit the source's estimate).
 *
 * @param duration     seconds of text2music; −1: auto (the LM's, the codes', or drawn from the seed)
 * @param reference    a style/timbre reference audio file (null: none)
 * @param codes        5 Hz audio codes the DiT follows (text2music; null: none, or the LM's with think)
 * @param codeStrength the fraction of the steps that follow the codes
 */
public record Music(String caption, String lyrics, boolean instrumental, String language, Integer bpm, String key,
                    String timeSignature, double duration, Path reference, long[] codes, double codeStrength) {
    public static final double MIN_DURATION = 10, MAX_DURATION = 600;
    public static final Set<String> LANGUAGES = Set.of("unknown", "en", "zh", "ja", "ko", "es", "fr", "de", "it",
            "pt", "ru", "ar", "hi", "bn", "id", "ms", "th", "vi", "tr", "pl", "nl", "sv", "no", "da", "fi", "cs", "sk",
            "hu", "ro", "bg", "uk", "el", "he", "fa", "ur", "ta", "te", "mr", "gu", "kn", "ml", "pa", "ne", "si", "my",
            "km", "lo", "tl", "sw", "yue", "la", "az");

    /** The key as the prompts spell it (surrounding space removed). */
    public String promptKey() {
        return key == null ? null : key.strip();
    }

    void validate(TaskKind task, boolean described) {
        if ((caption == null || caption.isBlank()) && task != TaskKind.EXTRACT && !described)
            throw new BadRequestException(RequestField.CAPTION, "must not be empty");
        if (reference != null && !Files.isRegularFile(reference))
            throw new BadRequestException(RequestField.REFERENCE, reference + " does not exist");
        if (!task.hasSource() && !(duration == -1 || (duration >= MIN_DURATION && duration <= MAX_DURATION)))
            throw new BadRequestException(RequestField.DURATION, BadRequestException.number(duration) + " is out of range: use 10 to 600 seconds, or -1 for auto");
        if (bpm != null && (bpm < 30 || bpm > 300)) throw new BadRequestException(RequestField.BPM, bpm + " is out of range: use 30 to 300");
        if (timeSignature != null && !Set.of("2", "3", "4", "6").contains(timeSignature))
            throw new BadRequestException(RequestField.TIME_SIGNATURE, timeSignature + " is not supported: use 2, 3, 4 or 6");
        if (key != null && Keys.canonical(key) == null)
            throw new BadRequestException(RequestField.KEY, "'" + key + "' is not a key: use e.g. \"C major\", \"F# minor\", \"Bb major\"");
        if (language != null && !LANGUAGES.contains(language.toLowerCase(Locale.ROOT)))
            throw new BadRequestException(RequestField.LANGUAGE, language + " is not a known code (e.g. en, zh, ja, es, unknown)");
        if (codes != null) {
            if (task != TaskKind.TEXT2MUSIC) throw new BadRequestException(RequestField.CODES, "work with text2music only ({TASK} is " + task + ")");
            if (codes.length < MIN_DURATION * 5 || codes.length > MAX_DURATION * 5)
                throw new BadRequestException(RequestField.CODES, "holds " + codes.length + " codes (" + codes.length / 5.0 + " s): use 50 to 3000 (10 to 600 s at 5 per second)");
            for (long c : codes)
                if (c < 0 || c >= LmTokenizer.AUDIO_CODES) throw new BadRequestException(RequestField.CODES, "code " + c + " is out of range 0 to 63999");
        }
        if (!(codeStrength >= 0 && codeStrength <= 1)) throw new BadRequestException(RequestField.CODE_STRENGTH, codeStrength + " is out of range: use 0 to 1");
    }
}
