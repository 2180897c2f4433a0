package org.aceforge.ui.studio;

import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.tasks.Complete;
import org.aceforge.engine.tasks.Extract;
import org.aceforge.engine.tasks.Lego;
import org.aceforge.engine.tasks.Track;
import org.aceforge.engine.timeline.Region;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * File names that say what a render is: what it started from (the source's name, or the caption's first words),
 * the mode (with its track), and the region — e.g. "song48 repaint 4.0-8.0 s"; the engine adds " v2 seed 1234" per
 * variant. Names are in English whatever the UI language, so they sort and search the same everywhere. No Swing.
 */
public final class RenderNames {
    private RenderNames() {}

    /** The stem (no variant, no extension) for a request made in {@code mode}. */
    public static String stem(RenderRequest r, Mode mode) {
        StringBuilder b = new StringBuilder(origin(r));
        b.append(' ').append(mode.key());
        if (r.task() instanceof Extract e) b.append(' ').append(e.track().key());
        else if (r.task() instanceof Lego l) b.append(' ').append(l.track().key());
        else if (r.task() instanceof Complete c) b.append(' ').append(c.tracks().stream().map(Track::key).collect(Collectors.joining("+")));
        List<Region> regions = r.source() == null ? List.of() : r.task().regions();
        if (!regions.isEmpty()) {
            Region first = regions.get(0);
            b.append(String.format(Locale.ROOT, " %.1f-%.1f s", first.start(), first.end()));
            if (regions.size() > 1) b.append(" +").append(regions.size() - 1);
        }
        return safe(b.toString());
    }

    /** The source file's name without its extension (and without " comp" of a comped working copy), else words of the caption. */
    static String origin(RenderRequest r) {
        if (r.source() != null) {
            String n = r.source().getFileName().toString().replaceFirst("\\.[^.]+$", "");
            return n.endsWith(" comp") ? n.substring(0, n.length() - 5) : n;
        }
        String caption = r.music().caption() == null ? "" : r.music().caption();
        String words = java.util.Arrays.stream(caption.split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isBlank()).limit(4)
                .collect(Collectors.joining(" "));
        return words.isBlank() ? "song" : words.toLowerCase(Locale.ROOT);
    }

    /** Characters no file system likes become "-"; at most 120 characters. */
    static String safe(String s) {
        String t = s.replaceAll("[/\\\\:*?\"<>|\\p{Cntrl}]", "-").strip();
        return t.length() > 120 ? t.substring(0, 120).strip() : t;
    }
}
