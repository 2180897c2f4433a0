package org.aceforge.bridge;

import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.ui.studio.HostHooks;
import org.aceforge.engine.timeline.Region;
import org.aceforge.ui.studio.StudioSettings;
import org.aceforge.ui.studio.StudioWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.swing.SwingUtilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The format-neutral plugin: settings, region, kept variants, capture access, clip placement, state and the
 * editor. One per plugin instance. Host non-audio threads (and the shim's start threads) call {@link #saveState},
 * {@link #restoreState},
 * {@link #openEditor}, {@link #closeEditor}; the studio, as this plugin's editor, calls the {@link HostHooks} methods
 * on the EDT.
 */
public final class PluginCore implements HostHooks {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCore.class);
    private static RenderService sharedRenders;
    /** The shim, closed when the instance is destroyed (no Java thread reaches a freed instance). */
    private final ClosablePort port;
    private volatile PluginSettings settings = new PluginSettings();
    private final List<Variant> variants = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private StudioWindow editor;
    /** Restores' file work: one daemon thread for every instance (file checks are I/O bound and rare). */
    private static final ExecutorService RESTORER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aceforge-restore");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong restoreGeneration = new AtomicLong();
    private volatile Future<?> restoring;
    /** Swing is touched only once an editor was asked for (a host may run us without a display). */
    private volatile boolean editorCreated;

    public PluginCore(HostPort port) {
        this.port = new ClosablePort(port);
    }

    /** One render service per JVM, shared by every instance (the CPU has no room for two renders at once). */
    static synchronized RenderService sharedRenders() {
        if (sharedRenders == null) {
            StudioSettings.load().applyDevice();   // the studio's device choice, before the first session exists
            sharedRenders = new RenderService(1, GraphCache.defaultCache());
        }
        return sharedRenders;
    }

    /** The host track's audio as captured while the transport played (the latest contiguous stretch). Any non-audio thread. */
    public Capture capture() {
        double[] t = port.transport();
        double rate = t[0] > 0 ? t[0] : 48000;
        long seq = port.blockSequence();
        int max = (int) Math.min(seq, 65536);
        long[] blocks = new long[4 * max];
        int n = port.captureBlocks(seq - max, blocks, max);
        // The most recent contiguous stretch of blocks captured while the transport played.
        int end = n - 1;
        while (end >= 0 && blocks[4 * end + 3] == 0) end--;
        if (end < 0) return new Capture(new float[0], 0, rate);
        int start = end;
        while (start > 0 && blocks[4 * (start - 1) + 3] != 0
                && blocks[4 * (start - 1) + 1] + blocks[4 * (start - 1) + 2] == blocks[4 * start + 1]
                && blocks[4 * (start - 1)] + blocks[4 * (start - 1) + 2] == blocks[4 * start]) start--;
        long ringFrom = blocks[4 * start], ringTo = blocks[4 * end] + blocks[4 * end + 2];
        long oldest = Math.max(0, port.captureTotal() - port.captureCapacity());
        long skip = Math.max(0, oldest - ringFrom);
        ringFrom += skip;
        int frames = (int) Math.max(0, ringTo - ringFrom);
        float[] audio = new float[frames * 2];
        int got = port.captureRead(ringFrom, audio, frames);
        if (got < frames) audio = java.util.Arrays.copyOf(audio, got * 2);
        return new Capture(audio, blocks[4 * start + 1] + skip, rate);
    }

    /** The host transport as last seen by the audio thread. Any non-audio thread. */
    public Transport transport() {
        double[] t = port.transport();
        return new Transport(t[0], t[1], (int) t[2], (int) t[3], t[4] != 0, (long) t[5], (long) t[6]);
    }

    /** Places audio on the timeline (plays in sync with the host); returns the clip slot used. Any non-audio thread. */
    public synchronized int place(Path file, long timelineStart) throws Exception {
        double rate = transport().sampleRate() > 0 ? transport().sampleRate() : 48000;
        float[] audio = AudioClips.readStereo(file, rate);
        int slot = freeSlot();
        if (port.clipSet(slot, audio, audio.length / 2, timelineStart, 1f) != 0) throw new IOException("the audio engine refused the clip");
        variants.removeIf(v -> v.slot() == slot);
        variants.add(new Variant(file, AudioClips.sha256(file), slot, timelineStart, true));
        return slot;
    }

    /** Test hook: a constant clip in slot 0, placed with the same call as a rendered variant. */
    public int placeTestClip(float value, int frames, long start) {
        float[] data = new float[2 * frames];
        java.util.Arrays.fill(data, value);
        return port.clipSet(0, data, frames, start, 1f) == 0 ? 1 : -1;
    }

    private int freeSlot() {
        for (int s = 0; s < HostPort.CLIP_SLOTS; s++) {
            final int k = s;
            if (variants.stream().noneMatch(v -> v.placed() && v.slot() == k)) return s;
        }
        throw new IllegalStateException("all " + HostPort.CLIP_SLOTS + " clip slots are in use: remove a placed variant first");
    }

    /** Stops playing a placed variant. Any non-audio thread. */
    public synchronized void unplace(int slot) {
        port.clipClear(slot);
        variants.replaceAll(v -> v.slot() == slot ? new Variant(v.file(), v.sha256(), -1, v.timelineStart(), false) : v);
    }

    /** The variants the user kept, placed or not. Any thread. */
    public List<Variant> variants() {
        return List.copyOf(variants);
    }

    /** A normalized parameter (0 dry/wet, 1 output gain, 2 bypass). Any non-audio thread. */
    public double parameter(int id) {
        return port.parameter(id);
    }

    /** A UI edit of a parameter, reported to the host. EDT. */
    public void editParameter(int id, double normalized) {
        port.editParameter(id, normalized);
    }

    /** The render service shared by every instance in the process. Any thread. */
    public RenderService renders() {
        return sharedRenders();
    }

    /** Where this plugin writes its renders. Any thread. */
    public Path renderFolder() {
        Path p = Path.of(System.getProperty("user.home"), "AceForge", "renders");
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            LOG.warn("cannot create {}: {}", p, e.getMessage());
        }
        return p;
    }

    /** Problems the user should see (missing files on reopen, state notices). Any thread. */
    public List<String> messages() {
        return messages;
    }

    /** What is saved in the host project besides the variants. EDT (and the host thread while saving). */
    public PluginSettings settings() {
        return settings;
    }

    /** Host thread: the state to store in the project. */
    public byte[] saveState() {
        return PluginState.write(settings, variants);
    }

    /** Host thread: restores settings and re-places variants (see {@link #restoreState(byte[], String)}). */
    public void restoreState(byte[] data) {
        restoreState(data, null);
    }

    /**
     * Host thread (or the shim's start thread): applies the settings and the list of kept variants at once and
     * returns; the files are checked (existence, SHA-256) and placed on {@link #RESTORER}, so a project that names
     * many large files never holds up the host. {@code notice} is the shim's sentence about the state header, or
     * null. Missing or changed files become messages; a later restore supersedes an unfinished one.
     */
    public void restoreState(byte[] data, String notice) {
        if (notice != null && !notice.isBlank()) messages.add(notice);
        long generation = restoreGeneration.incrementAndGet();
        PluginState.Restored r;
        try {
            r = PluginState.read(data);
        } catch (IOException | RuntimeException e) {
            messages.add("Could not restore the saved AceForge state: " + e.getMessage());
            LOG.warn("state restore failed: {}", e.getMessage());
            return;
        }
        messages.addAll(r.notes());
        settings = r.settings();
        synchronized (this) {
            variants.clear();
            variants.addAll(r.variants());
        }
        // The old project's clips stop here, before returning, not on the restore thread: done there, the clearing
        // could land after a clip placed right after this call (a render arriving, the test hook) and silence it —
        // seen once in ~15 runs of the two-copies native test on a loaded machine.
        for (int s = 0; s < HostPort.CLIP_SLOTS; s++) port.clipClear(s);
        restoring = RESTORER.submit(() -> placeRestored(generation, r.variants()));
    }

    /** Restore thread: the file work of a restore. */
    private void placeRestored(long generation, List<Variant> saved) {
        try {
            Map<Path, String> hashes = new HashMap<>();   // a file named by many variants is hashed once
            List<Variant> kept = new ArrayList<>();
            for (Variant v : saved) {
                if (restoreGeneration.get() != generation) return;
                if (!Files.isRegularFile(v.file())) {
                    messages.add("A rendered variant of this project is missing: " + v.file() + " (it was not placed).");
                    kept.add(new Variant(v.file(), v.sha256(), -1, v.timelineStart(), false));
                    continue;
                }
                String hash = hashes.get(v.file());
                if (hash == null) {
                    hash = AudioClips.sha256(v.file());
                    hashes.put(v.file(), hash);
                    if (!hash.equals(v.sha256())) messages.add("The file " + v.file() + " changed since the project was saved; placing it anyway.");
                }
                if (v.placed()) {
                    double rate = transport().sampleRate() > 0 ? transport().sampleRate() : 48000;
                    float[] audio = AudioClips.readStereo(v.file(), rate);
                    int slot = v.slot() >= 0 && v.slot() < HostPort.CLIP_SLOTS ? v.slot() : 0;
                    port.clipSet(slot, audio, audio.length / 2, v.timelineStart(), 1f);
                    kept.add(new Variant(v.file(), hash, slot, v.timelineStart(), true));
                } else {
                    kept.add(new Variant(v.file(), hash, -1, v.timelineStart(), false));
                }
            }
            synchronized (this) {
                if (restoreGeneration.get() != generation) return;
                variants.clear();
                variants.addAll(kept);
            }
        } catch (IOException | RuntimeException e) {
            messages.add("Could not place the saved variants: " + e.getMessage());
            LOG.warn("placing restored variants failed", e);
        }
    }

    /** Waits for the file work of the last restore (tests and the shim's test hooks). */
    public void awaitRestore() throws Exception {
        Future<?> f = restoring;
        if (f != null) f.get(60, TimeUnit.SECONDS);
    }

    /** Host UI thread: shows the editor window (created on the EDT; the host never waits for it). */
    public void openEditor() {
        editorCreated = true;
        SwingUtilities.invokeLater(() -> {
            try {
                if (editor == null) {
                    installLookAndFeel();
                    StudioSettings studio = StudioSettings.load();
                    if (!settings.modelDir.isBlank()) studio.modelDir = settings.modelDir;
                    org.aceforge.ui.studio.I18n.use(studio.language);   // the editor speaks the studio's language
                    editor = new StudioWindow(studio, renders(), renderFolder(), this);
                    editor.setDefaultCloseOperation(javax.swing.WindowConstants.HIDE_ON_CLOSE);
                    editor.addComponentListener(new java.awt.event.ComponentAdapter() {
                        @Override
                        public void componentHidden(java.awt.event.ComponentEvent e) { editor.saveToHost(); }
                    });
                    editor.setVisible(true);
                    editor.offerModelsOnce();   // first run without real models: Get models, once
                }
                editor.setVisible(true);
                editor.toFront();
            } catch (Throwable e) {
                LOG.error("editor failed to open", e);
                messages.add("The editor failed to open: " + e.getMessage());
            }
        });
    }

    public void closeEditor() {
        if (!editorCreated) return;
        SwingUtilities.invokeLater(() -> {
            if (editor != null) {
                editor.saveToHost();
                editor.setVisible(false);
            }
        });
    }

    /**
     * Inside a host the EDT may start from a JNI-attached thread without a context class loader; Swing then cannot
     * find FlatLaf's UI delegates unless told which loader to use.
     */
    static void installLookAndFeel() {
        ClassLoader ours = PluginCore.class.getClassLoader();
        Thread.currentThread().setContextClassLoader(ours);
        if (!(javax.swing.UIManager.getLookAndFeel() instanceof com.formdev.flatlaf.FlatLaf)) {
            com.formdev.flatlaf.FlatDarkLaf.setup();
            org.aceforge.ui.studio.StudioFonts.ensureCjk();
        }
        javax.swing.UIManager.put("ClassLoader", ours);
        javax.swing.UIManager.getDefaults().put("ClassLoader", ours);
    }

    // ---------------- HostHooks: the studio as this plugin's editor (EDT) ----------------

    @Override
    public Path captureToFile() throws Exception {
        Capture c = capture();
        if (c.frames() == 0) return null;
        Path f = renderFolder().resolve("capture-" + System.currentTimeMillis() + ".wav");
        org.aceforge.engine.audio.AudioFileWriter.write(f, c.interleaved(), 2, (int) Math.round(c.sampleRate()));
        lastCaptureStart = c.timelineStart() / c.sampleRate();
        return f;
    }

    private volatile double lastCaptureStart;

    @Override
    public double captureStartSeconds() {
        return lastCaptureStart;
    }

    @Override
    public String place(Path file, double seconds) throws Exception {
        double rate = transport().sampleRate() > 0 ? transport().sampleRate() : 48000;
        int slot = place(file, Math.round(seconds * rate));
        return "Placed " + file.getFileName() + String.format(" at %.2f s", seconds) + " (slot " + slot + "); it plays with the host transport.";
    }

    @Override
    public double[] tempo() {
        Transport t = transport();
        return t.tempo() > 0 ? new double[]{t.tempo(), t.timeSigNumerator()} : null;
    }

    @Override
    public java.util.Map<String, String> savedFields() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("caption", settings.caption);
        m.put("lyrics", settings.lyrics);
        m.put("instrumental", Boolean.toString(settings.instrumental));
        m.put("duration", Double.toString(Math.max(10, Math.min(600, settings.duration))));
        return m;
    }

    @Override
    public List<Region> savedRegions() {
        return settings.regionEnd > settings.regionStart && settings.regionStart >= 0
                ? List.of(new Region(settings.regionStart, settings.regionEnd)) : List.of();
    }

    @Override
    public void save(java.util.Map<String, String> fields, List<Region> regions) {
        PluginSettings s = settings;
        s.caption = fields.getOrDefault("caption", s.caption);
        s.lyrics = fields.getOrDefault("lyrics", s.lyrics);
        s.instrumental = Boolean.parseBoolean(fields.getOrDefault("instrumental", Boolean.toString(s.instrumental)));
        try {
            s.duration = Double.parseDouble(fields.getOrDefault("duration", Double.toString(s.duration)));
        } catch (NumberFormatException ignored) {
            // keep the previous duration
        }
        if (!regions.isEmpty()) {
            s.regionStart = lastCaptureStart + regions.get(0).start();
            s.regionEnd = lastCaptureStart + regions.get(0).end();
        }
    }

    /**
     * The host is destroying the instance: restores stop at their next check, calls in flight into the shim finish,
     * and none starts after this returns (the shim frees the instance next). Host thread.
     */
    public void dispose() {
        restoreGeneration.incrementAndGet();
        Future<?> f = restoring;
        if (f != null) f.cancel(false);     // not started yet: it never will
        port.close();
        if (!editorCreated) return;
        SwingUtilities.invokeLater(() -> {
            if (editor != null) editor.dispose();
            editor = null;
        });
    }
}
