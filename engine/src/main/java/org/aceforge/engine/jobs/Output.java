package org.aceforge.engine.jobs;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;

import java.nio.file.Path;

/**
 * What is written: the audio file (NAME.EXT, or NAME-i.EXT per variant), its JSON sidecar, and what else.
 *
 * @param regionOnly only the edited regions are written, with {@code handles} seconds of source on each side
 * @param score      each result gets the 5 Hz LM's quality score in its sidecar (auto score)
 * @param lrc        auto-LRC: each result's lyric lines timed from the DiT's cross-attention (NAME.lrc; text2music)
 * @param seedNames  variants are named "NAME vI seed S.EXT" (the studio's names, which say what each file is) instead
 *                   of NAME-i.EXT; an existing file is never replaced: " (2)", " (3)"… is added
 */
public record Output(Path path, boolean regionOnly, double handles, boolean score, boolean lrc, boolean seedNames) {
    public Output(Path path, boolean regionOnly, double handles, boolean score, boolean lrc) {
        this(path, regionOnly, handles, score, lrc, false);
    }

    void validate() {
        if (path == null) throw new BadRequestException(RequestField.OUTPUT, "is required");
        if (!(handles >= 0 && handles <= 60)) throw new BadRequestException(RequestField.HANDLES, handles + " is out of range: use 0 to 60 seconds");
    }

    /** The same settings writing to another file. */
    public Output withPath(Path p) {
        return new Output(p, regionOnly, handles, score, lrc, seedNames);
    }
}
