package org.aceforge.engine.train;

import java.util.List;

/**
 * A LoRA training dataset: its name, the activation tag and where it goes in each caption, whether every song is
 * instrumental, and the songs. Read and written as the official builder's JSON by {@link DatasetJson}.
 *
 * @param genreRatio the official builder's share (0–100) of samples trained with the genre instead of the caption;
 *                   kept for compatibility, AceForge trains with captions
 */
public record Dataset(String name, String customTag, TagPosition tagPosition, boolean allInstrumental, int genreRatio,
                      List<DatasetSample> samples) {
    public Dataset {
        samples = List.copyOf(samples);
    }

    /** The caption sample {@code s} trains with (the activation tag applied). */
    public String trainingCaption(DatasetSample s) {
        return tagPosition.apply(customTag, s.caption());
    }

    public Dataset withSamples(List<DatasetSample> list) {
        return new Dataset(name, customTag, tagPosition, allInstrumental, genreRatio, list);
    }
}
