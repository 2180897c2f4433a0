package org.aceforge.engine.jobs;

import org.aceforge.engine.pipeline.Task;
import org.aceforge.engine.text.Prompts;

import java.nio.file.Files;
import java.util.Locale;

/**
 * Validation of the region-editing inputs of a request (what can be checked before the source is decoded).
 * Each failure is a one-line {@link BadRequestException} saying what to fix.
 */
final class RegionRules {
    /** How far a repaint may extend the audio beyond either end (the whole result stays ≤ 600 s). */
    static final double MAX_OUTPAINT = 600;

    private RegionRules() {}

    static void validate(RenderRequest r) {
        Task task = r.task();
        String t = task.key();
        if (!r.hasSource()) {
            if (r.source() != null) throw new BadRequestException(RequestField.SOURCE, "is for region tasks (repaint, cover, extract, lego, complete); for a style reference use {REFERENCE}");
            if (!r.ranges().isEmpty()) throw new BadRequestException(RequestField.REGION, "needs a region task ({TASK} repaint or lego)");
        } else {
            if (r.source() == null) throw new BadRequestException(RequestField.TASK, t + " needs {SOURCE} (the audio to edit)");
            if (!Files.isRegularFile(r.source())) throw new BadRequestException(RequestField.SOURCE, r.source() + " does not exist");
        }
        if (r.reference() != null && !Files.isRegularFile(r.reference()))
            throw new BadRequestException(RequestField.REFERENCE, r.reference() + " does not exist");
        for (double[] range : r.ranges()) {
            double s = range[0], e = range[1];
            if (Double.isNaN(s) || Double.isNaN(e) || Double.isInfinite(s) || Double.isInfinite(e))
                throw new BadRequestException(RequestField.REGION, fmt(s) + ":" + fmt(e) + " is not a number");
            if (e != -1 && s >= e) throw new BadRequestException(RequestField.REGION, "start " + fmt(s) + " must be before its end " + fmt(e));
            if (s < -MAX_OUTPAINT) throw new BadRequestException(RequestField.REGION, "start " + fmt(s) + " extends the audio by more than 600 s");
            if (e > 2 * MAX_OUTPAINT) throw new BadRequestException(RequestField.REGION, "end " + fmt(e) + " is beyond what can be rendered (600 s in all)");
            if (e < -1) throw new BadRequestException(RequestField.REGION, "end " + fmt(e) + " is invalid: use seconds, or -1 for the end of the file");
        }
        if (task == Task.REPAINT && r.ranges().isEmpty()) throw new BadRequestException(RequestField.TASK, "repaint needs a region: {REGION} (a start and an end in seconds)");
        if (!task.takesRegions() && !r.ranges().isEmpty())
            throw new BadRequestException(RequestField.TASK, t + " takes no region (regions are for repaint and lego)");
        if (task == Task.LEGO && r.ranges().size() > 1) throw new BadRequestException(RequestField.TASK, "lego takes at most one region");
        if (r.track() != null && !Prompts.TRACKS.contains(r.track().toLowerCase(Locale.ROOT)))
            throw new BadRequestException(RequestField.TRACK, r.track() + " is unknown: use one of " + String.join(", ", Prompts.TRACKS));
        for (String tr : r.tracks())
            if (!Prompts.TRACKS.contains(tr.toLowerCase(Locale.ROOT)))
                throw new BadRequestException(RequestField.TRACKS, tr + " is unknown: use names from " + String.join(", ", Prompts.TRACKS));
        if ((task == Task.EXTRACT || task == Task.LEGO) && r.track() == null) throw new BadRequestException(RequestField.TASK, t + " needs {TRACK} (which track)");
        if (task == Task.COMPLETE && r.tracks().isEmpty()) throw new BadRequestException(RequestField.TASK, "complete needs {TRACKS} (which tracks to add)");
        if (r.strength() != null && !(r.strength() >= 0 && r.strength() <= 1)) throw new BadRequestException(RequestField.STRENGTH, r.strength() + " is out of range: use 0 to 1");
        if (r.noiseStrength() != null && !(r.noiseStrength() >= 0 && r.noiseStrength() <= 1)) throw new BadRequestException(RequestField.NOISE_STRENGTH, r.noiseStrength() + " is out of range: use 0 to 1");
        if (r.repaintMode() != null && !RenderRequest.REPAINT_MODES.contains(r.repaintMode()))
            throw new BadRequestException(RequestField.REPAINT_MODE, r.repaintMode() + " is unknown: use conservative, balanced or aggressive");
        if (!(r.handles() >= 0 && r.handles() <= 60)) throw new BadRequestException(RequestField.HANDLES, r.handles() + " is out of range: use 0 to 60 seconds");
        if (r.regionOnly() && r.ranges().isEmpty()) throw new BadRequestException(RequestField.REGION_ONLY, "needs a region ({REGION})");
    }

    static String fmt(double d) {
        return RenderRequest.fmt(d);
    }
}
