package org.aceforge.engine.train;

/**
 * One song of a training dataset, in the official dataset builder's fields (the JSON names are given in
 * {@link DatasetJson}). Null means "not known yet" (auto-label or the user fills it).
 *
 * @param audioPath     the audio file (absolute, or relative to the dataset JSON's folder)
 * @param duration      seconds of audio
 * @param timesignature beats per bar ("2", "3", "4", "6")
 * @param labeled       the caption and metadata were reviewed or written by auto-label
 */
public record DatasetSample(String id, String audioPath, String filename, String caption, String genre, String lyrics,
                            Integer bpm, String keyscale, String timesignature, double duration, String language,
                            boolean instrumental, boolean labeled) {
    /** The lyrics a sample trains with: its own, or "[Instrumental]" for an instrumental or an empty one. */
    public String trainingLyrics(boolean allInstrumental) {
        return instrumental || allInstrumental || lyrics == null || lyrics.isBlank() ? "[Instrumental]" : lyrics;
    }

    public DatasetSample withLabels(String caption, Integer bpm, String keyscale, String timesignature, String language) {
        return new DatasetSample(id, audioPath, filename, caption, genre, lyrics, bpm, keyscale, timesignature, duration, language,
                instrumental, true);
    }
}
