package org.aceforge.engine.cli;

import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.train.AutoLabel;
import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetException;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetSample;
import org.aceforge.engine.train.DatasetScanner;
import org.aceforge.engine.train.TagPosition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code aceforge dataset}: builds a LoRA training dataset — a folder scanned into songs, or a dataset JSON read —
 * optionally auto-labelled by the 5 Hz LM, listed, and written as the official builder's JSON.
 */
@Command(name = "dataset", description = "Build a LoRA training dataset: scan a folder of songs (--scan) or read a dataset JSON (--dataset), "
        + "optionally auto-label it with the 5 Hz LM (--label), list it and write it (--out).", sortOptions = false)
public final class DatasetCommand implements Callable<Integer> {
    @Option(names = "--scan", description = "Folder of songs (wav, mp3, flac, ogg, opus, aiff; subfolders too).")
    Path scan;
    @Option(names = "--dataset", description = "A dataset JSON (the official builder's format) to read instead.")
    Path dataset;
    @Option(names = "--out", description = "Write the dataset JSON here (written whole; an existing file is replaced).")
    Path out;
    @Option(names = "--name", description = "Dataset name (default: the folder's name).")
    String name;
    @Option(names = "--tag", description = "Activation tag added to every caption (e.g. a made-up word for your style).")
    String tag;
    @Option(names = "--tag-position", defaultValue = "prepend", description = "Where the tag goes: prepend (default), append or replace.")
    String tagPosition;
    @Option(names = "--instrumental", description = "Every song is instrumental (lyrics [Instrumental]).")
    boolean instrumental;
    @Option(names = "--no-analysis", description = "With --scan: do not estimate BPM, key and time signature from the audio.")
    boolean noAnalysis;
    @Option(names = "--label", description = "Auto-label the unlabelled songs with the 5 Hz LM (caption, BPM, key, time signature, language).")
    boolean label;
    @Option(names = "--skip-metadata", description = "With --label: take only the caption from the LM; keep the signal's BPM, key and time signature.")
    boolean skipMetadata;
    @Option(names = "--transcribe-lyrics", description = "With --label: let the LM write lyrics for songs that have none (rough).")
    boolean transcribeLyrics;
    @Option(names = "--model", description = "Checkpoints folder for --label (default: $ACEFORGE_MODELS, ~/.aceforge/models, else the demo pack).")
    Path model;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the LM's sampling for --label.")
    long seed;

    @Override
    public Integer call() throws Exception {
        if ((scan == null) == (dataset == null)) throw new BadRequestException("give either --scan FOLDER or --dataset FILE");
        TagPosition position = TagPosition.parse(tagPosition);
        if (position == null) throw new BadRequestException("--tag-position " + tagPosition + " is unknown: use prepend, append or replace");
        if (model != null && !Files.isDirectory(model)) throw new BadRequestException("--model " + model + " is not a folder");
        if ((skipMetadata || transcribeLyrics) && !label) throw new BadRequestException("--skip-metadata and --transcribe-lyrics go with --label");
        if (out != null && Files.isDirectory(out)) throw new BadRequestException("--out " + out + " is a folder: name the dataset JSON file");
        Dataset d;
        try {
            if (scan != null) {
                DatasetScanner.Scan s = DatasetScanner.scan(scan, name, tag, position, instrumental, !noAnalysis,
                        f -> System.err.println("reading " + f));
                for (DatasetScanner.Skipped k : s.skipped()) System.err.println("skipped " + k.file() + ": " + k.reason());
                d = s.dataset();
            } else {
                d = DatasetJson.read(dataset);
                if (name != null || tag != null || instrumental)
                    d = new Dataset(name != null ? name : d.name(), tag != null ? tag : d.customTag(), tag != null ? position : d.tagPosition(),
                            instrumental || d.allInstrumental(), d.genreRatio(), d.samples());
                for (DatasetSample s : d.samples())
                    if (!Files.isRegularFile(DatasetJson.audioOf(s, dataset)))
                        throw new BadRequestException("--dataset " + dataset + ": sample " + s.id() + ": " + DatasetJson.audioOf(s, dataset) + " does not exist");
            }
        } catch (DatasetException e) {
            throw new BadRequestException((scan != null ? "--scan: " : "--dataset: ") + e.getMessage());
        }
        if (label) {
            try (RenderService service = new RenderService(1, GraphCache.defaultCache())) {
                int[] n = {0};
                int total = (int) d.samples().stream().filter(s -> !s.labeled()).count();
                d = AutoLabel.label(service, model, d, dataset, skipMetadata, transcribeLyrics, seed,
                        s -> System.err.printf(Locale.ROOT, "labelling %d/%d: %s%n", ++n[0], total, s.filename()));
            } catch (ExecutionException e) {
                throw RenderCommand.unwrapToException(e);
            }
        }
        System.out.printf(Locale.ROOT, "dataset %s: %d songs, %.1f min, tag '%s' (%s)%s%n", d.name(), d.samples().size(),
                d.samples().stream().mapToDouble(DatasetSample::duration).sum() / 60, d.customTag() == null ? "" : d.customTag(),
                d.tagPosition().key(), d.allInstrumental() ? ", all instrumental" : "");
        for (DatasetSample s : d.samples())
            System.out.printf(Locale.ROOT, "%4s  %-32s %6.1f s  %5s bpm  %-10s %s/4  %s%n", s.id(), cut(s.filename(), 32), s.duration(),
                    s.bpm() == null ? "?" : s.bpm().toString(), s.keyscale() == null ? "?" : s.keyscale(),
                    s.timesignature() == null ? "?" : s.timesignature(), cut(d.trainingCaption(s), 60));
        if (out != null) {
            DatasetJson.write(d, out);
            System.err.println("wrote " + out);
        }
        return Main.OK;
    }

    private static String cut(String s, int n) {
        return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
