package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;
import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLaf;
import com.formdev.flatlaf.FlatLightLaf;
import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.audio.Seconds;
import org.aceforge.engine.jobs.CancelledException;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderService;

import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.JSpinner;
import javax.swing.JSplitPane;
import javax.swing.JToggleButton;
import javax.swing.KeyStroke;
import javax.swing.SpinnerNumberModel;
import javax.swing.SwingUtilities;
import javax.swing.TransferHandler;
import javax.swing.undo.AbstractUndoableEdit;
import javax.swing.undo.UndoManager;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.awt.datatransfer.DataFlavor;
import java.awt.event.KeyEvent;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The AceForge studio: a timeline with the source and its regions, the mode selector and the mode's fields,
 * presets, render with progress/cancel/queue, and the results. The same panel becomes the plugin editor; it knows
 * nothing of plugin hosts. EDT only.
 */
public final class StudioWindow extends JFrame implements StudioView {
    final StudioSettings settings;
    final RenderService renders;
    final Path renderFolder;
    final UndoManager undo = new UndoManager();
    final TimelinePanel timeline = new TimelinePanel();
    final ModePanel form = new ModePanel(undo);
    /** Where audio is heard: the sound card, or a recorder in tests. */
    final AudioOut player;
    final ResultsPanel results;
    /** Each render's variants as lanes under the timeline, and the working audio they are comped into. */
    final TakeLanes takes = new TakeLanes(timeline);
    Comping comping;
    /** Timeline, lanes and region list above; the form and results below. */
    JSplitPane mainSplit;

    /**
     * When take lanes or region rows appear, the upper part grows to show them (up to two thirds of the window)
     * instead of squeezing the waveform; the user can still drag the divider.
     */
    void fitUpperPart() {
        if (mainSplit == null) return;
        SwingUtilities.invokeLater(() -> {
            java.awt.Component top = mainSplit.getTopComponent();
            int want = top.getPreferredSize().height, have = top.getHeight();
            if (have < want) mainSplit.setDividerLocation(Math.min(want, mainSplit.getHeight() * 2 / 3));
        });
    }

    /** The regions as a list with typed edits and each region's own mode and caption. */
    final RegionList regionList = new RegionList();
    /** The spectrogram view of the source and the takes (S toggles it). */
    final JCheckBox spectrogram = new JCheckBox();
    /** Loop the selected region when playing (L toggles it). */
    final JCheckBox loop = new JCheckBox();
    /** The level of what is playing. */
    final LevelMeter meter = new LevelMeter();
    /** Seconds of context played before a take's span when it is auditioned. */
    static final double PRE_ROLL = 1.0;
    final Map<Mode, JToggleButton> modeButtons = new EnumMap<>(Mode.class);
    final JSpinner regionStart = new JSpinner(new SpinnerNumberModel(0.0, 0.0, 3600.0, 0.1));
    final JSpinner regionEnd = new JSpinner(new SpinnerNumberModel(0.0, 0.0, 3600.0, 0.1));
    final JButton render = new JButton(), cancel = new JButton();
    final JProgressBar progress = new JProgressBar(0, 1000);
    final JLabel stage = new JLabel(" "), error = new JLabel(" "), status = new JLabel(" "), queue = new JLabel(" ");
    final JCheckBox autoGen = new JCheckBox();
    /** Main toggles of the 5 Hz LM (persisted in the settings). */
    final JCheckBox think = new JCheckBox(), parallelThinking = new JCheckBox(), captionRewrite = new JCheckBox();
    final JComboBox<Presets.Preset> presetBox = new JComboBox<>();
    final JLabel dirty = new JLabel(" ");
    final Presets presets;
    final List<String> messages = new ArrayList<>();
    /** The control behind the screen (source, render queue, LM helpers); Swing-free. */
    final StudioController controller;
    private boolean syncing;

    final HostHooks host;

    public StudioWindow(StudioSettings settings, RenderService renders, Path renderFolder) {
        this(settings, renders, renderFolder, null);
    }

    /** As a plugin editor: the host's captured audio is the source and results can be placed on its timeline. */
    public StudioWindow(StudioSettings settings, RenderService renders, Path renderFolder, HostHooks host) {
        this(settings, renders, renderFolder, host, null);
    }

    /** With {@code out} null, audio goes to the sound card; tests pass a recorder. */
    StudioWindow(StudioSettings settings, RenderService renders, Path renderFolder, HostHooks host, AudioOut out) {
        super(host == null ? "AceForge Studio" : "AceForge");
        this.player = out != null ? out : new Player(this::message);
        this.host = host;
        this.settings = settings;
        this.renders = renders;
        this.renderFolder = renderFolder;
        this.presets = new Presets(StudioSettings.folder().resolve("presets.json"));
        this.controller = new StudioController(settings, renders, renderFolder, SwingUtilities::invokeLater, this);
        this.results = new ResultsPanel(player, this::loadSource, this::applyBatch, this::message,
                host == null ? null : this::placeOnTimeline);
        setDefaultCloseOperation(DISPOSE_ON_CLOSE);
        results.sourceRegion(this::sourceRegionAudio);
        build();
        setSize(settings.width, settings.height);
        timeline.onRegions(rs -> {
            List<Region> before = lastRegions;
            lastRegions = rs;
            undo.addEdit(new RegionEdit(before, rs));
            syncFields();
        });
        form.onChange(() -> {
            dirty.setText("*");
            applyTempo();
        });
        selectMode(Mode.CUSTOM);
        applyModelAvailability();
        if (host != null) {
            form.apply(host.savedFields());
            double[] t = host.tempo();
            if (t != null && t[0] >= 30 && t[0] <= 300 && form.bpm.getText().isBlank()) form.bpm.setText(Integer.toString((int) Math.round(t[0])));
        }
    }

    /** Plugin editor: loads what the plugin captured as the source (regions are then relative to the capture). */
    public void useCapture() {
        try {
            Path f = host.captureToFile();
            if (f == null) { error.setText(I18n.t("host.nothingCaptured")); return; }
            loadSource(f);
        } catch (Exception e) {
            error.setText(e.getMessage());
        }
    }

    void placeOnTimeline(Path file) {
        List<Region> rs = timeline.regions();
        double at = (host.captureStartSeconds()) + (rs.isEmpty() ? 0 : rs.get(0).start());
        try {
            message(host.place(file, at));
        } catch (Exception e) {
            error.setText(e.getMessage());
        }
    }

    /** Plugin editor: what goes into the host project. */
    public void saveToHost() {
        if (host != null) host.save(form.values(), timeline.regions());
    }

    private List<Region> lastRegions = List.of();

    /** An undoable change of the regions. */
    final class RegionEdit extends AbstractUndoableEdit {
        private final List<Region> before, after;

        RegionEdit(List<Region> before, List<Region> after) {
            this.before = before;
            this.after = after;
        }

        @Override public void undo() { super.undo(); setRegions(before); }
        @Override public void redo() { super.redo(); setRegions(after); }
        @Override public String getPresentationName() { return "regions"; }
    }

    void setRegions(List<Region> rs) {
        lastRegions = rs;
        timeline.setRegions(rs);
        syncFields();
    }

    private void build() {
        render.setText(I18n.t("render.render"));
        cancel.setText(I18n.t("render.cancel"));
        autoGen.setText(I18n.t("render.autogen"));
        think.setText(I18n.t("render.think"));
        parallelThinking.setText(I18n.t("render.parallel"));
        captionRewrite.setText(I18n.t("render.captionRewrite"));
        think.setName("think");
        parallelThinking.setName("parallelThinking");
        captionRewrite.setName("captionRewrite");
        think.setSelected(settings.think);
        parallelThinking.setSelected(settings.parallelThinking);
        captionRewrite.setSelected(settings.captionRewrite);
        think.addActionListener(e -> { settings.think = think.isSelected(); saveSettings(); });
        parallelThinking.addActionListener(e -> { settings.parallelThinking = parallelThinking.isSelected(); saveSettings(); });
        captionRewrite.addActionListener(e -> { settings.captionRewrite = captionRewrite.isSelected(); saveSettings(); });
        render.setName("render");
        cancel.setName("cancel");
        JPanel root = new JPanel(new BorderLayout(6, 6));
        root.setBorder(BorderFactory.createEmptyBorder(6, 6, 6, 6));
        root.add(toolbar(), BorderLayout.NORTH);

        JPanel top = new JPanel(new BorderLayout());
        JPanel stack = new JPanel(new BorderLayout());
        stack.add(timeline, BorderLayout.CENTER);
        // Up to four lanes show at once (none before the first render); more scroll.
        JScrollPane lanes = new JScrollPane(takes, JScrollPane.VERTICAL_SCROLLBAR_AS_NEEDED, JScrollPane.HORIZONTAL_SCROLLBAR_NEVER) {
            @Override
            public java.awt.Dimension getPreferredSize() {
                return new java.awt.Dimension(400, Math.min(4, takes.takes().size()) * TakeLanes.LANE);
            }
        };
        lanes.setBorder(BorderFactory.createEmptyBorder());
        lanes.setToolTipText(I18n.t("takes.compHint"));
        takes.setToolTipText(I18n.t("takes.compHint"));
        stack.add(lanes, BorderLayout.SOUTH);
        timeline.onView(takes::repaint);
        takes.onGrow(this::fitUpperPart);
        takes.onGesture(new TakeLanes.Listener() {
            @Override public void audition(Take t, boolean original) { auditionTake(t, original); }
            @Override public void comp(Take t) { compTake(t); }
            @Override public void stop() { player.stop(); }
        });
        top.add(stack, BorderLayout.CENTER);
        JPanel regionRow = new JPanel(new WrapLayout(FlowLayout.LEFT, 6, 2));
        regionRow.add(new JLabel(I18n.t("region.start")));
        regionRow.add(regionStart);
        regionRow.add(new JLabel(I18n.t("region.end")));
        regionRow.add(regionEnd);
        JButton clear = new JButton(I18n.t("region.clear"));
        clear.addActionListener(e -> { undo.addEdit(new RegionEdit(lastRegions, List.of())); setRegions(List.of()); });
        JButton playSrc = new JButton(I18n.t("source.play"));
        playSrc.addActionListener(e -> togglePlaySource());
        JButton zin = new JButton("+"), zout = new JButton("−");
        zin.addActionListener(e -> timeline.zoom(0.5, timeline.viewStart() + timeline.viewSeconds() / 2));
        zout.addActionListener(e -> timeline.zoom(2, timeline.viewStart() + timeline.viewSeconds() / 2));
        JCheckBox snap = new JCheckBox(I18n.t("timeline.snap"), true);
        snap.setName("snap");
        snap.setToolTipText(I18n.t("timeline.snapHint"));
        snap.addActionListener(e -> timeline.setSnap(snap.isSelected()));
        loop.setText(I18n.t("transport.loop"));
        loop.setName("loop");
        JCheckBox follow = new JCheckBox(I18n.t("transport.follow"), true);
        follow.setName("follow");
        follow.addActionListener(e -> timeline.setFollow(follow.isSelected()));
        regionRow.add(clear);
        regionRow.add(snap);
        regionRow.add(playSrc);
        regionRow.add(loop);
        regionRow.add(follow);
        spectrogram.setText(I18n.t("timeline.spectrogram"));
        spectrogram.setName("spectrogram");
        spectrogram.addActionListener(e -> { timeline.setSpectrogram(spectrogram.isSelected()); takes.setSpectrogram(spectrogram.isSelected()); });
        regionRow.add(spectrogram);
        regionRow.add(meter);
        regionRow.add(new JLabel(I18n.t("timeline.zoom")));
        regionRow.add(zin);
        regionRow.add(zout);
        JPanel under = new JPanel(new BorderLayout());
        under.add(regionRow, BorderLayout.NORTH);
        JScrollPane listPane = new JScrollPane(regionList) {
            @Override
            public java.awt.Dimension getPreferredSize() {   // as tall as its rows (up to four); nothing without regions
                if (regionList.getRowCount() == 0) return new java.awt.Dimension(400, 0);
                return new java.awt.Dimension(400, regionList.getPreferredScrollableViewportSize().height
                        + regionList.getTableHeader().getPreferredSize().height + 4);
            }
        };
        under.add(listPane, BorderLayout.CENTER);
        regionList.onEdit(rs -> {
            undo.addEdit(new RegionEdit(lastRegions, List.copyOf(rs)));
            lastRegions = List.copyOf(rs);
            timeline.setRegions(rs);
            syncFields();
        });
        top.add(under, BorderLayout.SOUTH);
        regionStart.addChangeListener(e -> fieldsToRegion());
        regionEnd.addChangeListener(e -> fieldsToRegion());

        // Each mode button as wide as its name (equal widths cut "Complete" off in English and Japanese); rows wrap.
        JPanel modes = new JPanel(new WrapLayout(FlowLayout.LEFT, 0, 0));
        ButtonGroup g = new ButtonGroup();
        for (Mode m : Mode.values()) {
            JToggleButton b = new JToggleButton(I18n.t("mode." + m.key()));
            b.setName("mode-" + m.key());
            b.addActionListener(e -> selectMode(m));
            g.add(b);
            modes.add(b);
            modeButtons.put(m, b);
        }
        JPanel left = new JPanel(new BorderLayout());
        left.add(modes, BorderLayout.NORTH);
        left.add(new JScrollPane(form), BorderLayout.CENTER);

        JPanel renderBox = new JPanel(new BorderLayout(4, 4));
        JPanel buttons = new JPanel(new WrapLayout(FlowLayout.LEFT, 5, 5));
        buttons.add(render);
        buttons.add(cancel);
        buttons.add(autoGen);
        buttons.add(queue);
        buttons.add(think);
        buttons.add(parallelThinking);
        buttons.add(captionRewrite);
        progress.setStringPainted(true);
        progress.setString(I18n.t("render.idle"));
        JPanel prog = new JPanel(new GridLayout(3, 1));
        prog.add(progress);
        prog.add(stage);
        error.setForeground(new Color(230, 90, 80));
        error.setName("error");
        prog.add(error);
        renderBox.add(buttons, BorderLayout.NORTH);
        renderBox.add(prog, BorderLayout.CENTER);
        JPanel right = new JPanel(new BorderLayout());
        right.add(renderBox, BorderLayout.NORTH);
        right.add(results, BorderLayout.CENTER);
        render.addActionListener(e -> startRender());
        form.fromSource.addActionListener(e -> codesFromSource());
        form.transcribe.addActionListener(e -> transcribeCodes());
        form.format.addActionListener(e -> formatCaption());
        cancel.addActionListener(e -> cancelRender());
        cancel.setEnabled(false);

        JSplitPane bottom = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, left, right);
        bottom.setResizeWeight(0.55);
        JSplitPane main = new JSplitPane(JSplitPane.VERTICAL_SPLIT, top, bottom);
        mainSplit = main;
        main.setResizeWeight(0.5);
        root.add(main, BorderLayout.CENTER);
        root.add(status, BorderLayout.SOUTH);
        setContentPane(root);

        // Drop audio files anywhere to load them as the source; onto the reference field to use them as reference.
        root.setTransferHandler(new FileDrop(this::loadSource));
        form.ref.setTransferHandler(new FileDrop(p -> form.ref.setText(p.toString())));
        keys(root);
    }

    private JComponent toolbar() {
        JPanel bar = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 2));
        JButton open = new JButton(I18n.t("toolbar.open"));
        open.addActionListener(e -> chooseSource());
        JButton theme = new JButton(I18n.t("toolbar.theme"));
        theme.setName("theme");
        theme.addActionListener(e -> setTheme("dark".equals(settings.theme) ? "light" : "dark"));
        JButton settingsButton = new JButton(I18n.t("toolbar.settings"));
        settingsButton.addActionListener(e -> new SettingsDialog(this).setVisible(true));
        JButton modelsButton = new JButton(I18n.t("toolbar.models"));
        modelsButton.setName("models");
        modelsButton.addActionListener(e -> showModels());
        JButton save = new JButton(I18n.t("preset.save")), rename = new JButton(I18n.t("preset.rename")), delete = new JButton(I18n.t("preset.delete"));
        presetBox.setRenderer((l, p, i, sel, f) -> new JLabel(p == null ? I18n.t("preset.none") : p.name() + (p.factory() ? "" : " ·")));
        presetBox.addActionListener(e -> {
            Presets.Preset p = (Presets.Preset) presetBox.getSelectedItem();
            if (p != null) { form.apply(p.values()); dirty.setText(" "); }
        });
        save.addActionListener(e -> savePreset());
        rename.addActionListener(e -> renamePreset());
        delete.addActionListener(e -> deletePreset());
        bar.add(open);
        if (host != null) {
            JButton capture = new JButton(I18n.t("host.useCapture"));
            capture.setName("useCapture");
            capture.addActionListener(e -> useCapture());
            bar.add(capture);
        }
        JButton train = new JButton(I18n.t("toolbar.train"));
        train.setName("train");
        train.addActionListener(e -> showTraining());
        JButton files = new JButton(I18n.t("toolbar.files"));
        files.setName("files");
        files.addActionListener(e -> new FilesDialog(this, renderFolder).setVisible(true));
        bar.add(theme);
        bar.add(settingsButton);
        bar.add(modelsButton);
        bar.add(train);
        bar.add(files);
        bar.add(new JLabel(I18n.t("preset.label")));
        bar.add(presetBox);
        bar.add(dirty);
        bar.add(save);
        bar.add(rename);
        bar.add(delete);
        return bar;
    }

    private void keys(JComponent root) {
        var im = root.getInputMap(JComponent.WHEN_IN_FOCUSED_WINDOW);
        var am = root.getActionMap();
        int menu = java.awt.Toolkit.getDefaultToolkit().getMenuShortcutKeyMaskEx();
        im.put(KeyStroke.getKeyStroke(KeyEvent.VK_Z, menu), "undo");
        im.put(KeyStroke.getKeyStroke(KeyEvent.VK_Z, menu | KeyEvent.SHIFT_DOWN_MASK), "redo");
        im.put(KeyStroke.getKeyStroke(KeyEvent.VK_ENTER, menu), "render");
        am.put("undo", new AbstractAction() { public void actionPerformed(java.awt.event.ActionEvent e) { if (undo.canUndo()) undo.undo(); } });
        am.put("redo", new AbstractAction() { public void actionPerformed(java.awt.event.ActionEvent e) { if (undo.canRedo()) undo.redo(); } });
        am.put("render", new AbstractAction() { public void actionPerformed(java.awt.event.ActionEvent e) { startRender(); } });
        // Space plays/pauses the source when the focus is not in a text field.
        timeline.getInputMap().put(KeyStroke.getKeyStroke(KeyEvent.VK_SPACE, 0), "play");
        timeline.getInputMap().put(KeyStroke.getKeyStroke(KeyEvent.VK_L, 0), "loop");
        timeline.getInputMap().put(KeyStroke.getKeyStroke(KeyEvent.VK_S, 0), "spectrogram");
        timeline.getActionMap().put("spectrogram", new AbstractAction() { public void actionPerformed(java.awt.event.ActionEvent e) { spectrogram.doClick(); } });
        timeline.getActionMap().put("loop", new AbstractAction() { public void actionPerformed(java.awt.event.ActionEvent e) { loop.doClick(); } });
        timeline.getActionMap().put("play", new AbstractAction() { public void actionPerformed(java.awt.event.ActionEvent e) { togglePlaySource(); } });
    }

    void setTheme(String theme) {
        settings.theme = theme;
        if ("light".equals(theme)) FlatLightLaf.setup(); else FlatDarkLaf.setup();
        FlatLaf.updateUI();
        saveSettings();
    }

    void selectMode(Mode m) {
        modeButtons.get(m).setSelected(true);
        form.show(m);
        // The LM's toggles only where the LM takes part (they come last in their row, so nothing else moves).
        for (JCheckBox b : List.of(think, parallelThinking, captionRewrite)) b.setVisible(m.usesLm());
        presetBox.removeAllItems();
        presetBox.addItem(null);
        for (Presets.Preset p : presets.forMode(m.key())) presetBox.addItem(p);
        error.setText(" ");
    }

    /** The 5 Hz LM sizes in the model folder the renders will use (the demo pack always has one). */
    List<String> installedLms() {
        Path root;
        if (!settings.modelDir.isBlank()) root = Path.of(settings.modelDir);
        else {
            Path user = org.aceforge.engine.jobs.ModelLocator.userModels();
            if (java.nio.file.Files.isDirectory(user) && !new org.aceforge.engine.model.ModelPack(user).installedVariants().isEmpty()) root = user;
            else if (!org.aceforge.engine.demo.DemoPack.isCurrent(org.aceforge.engine.jobs.ModelLocator.demoPackDir()))
                return org.aceforge.engine.demo.DemoPack.LM_SIZES;   // written with its LM on the first render
            else root = org.aceforge.engine.jobs.ModelLocator.demoPackDir();
        }
        return new org.aceforge.engine.model.ModelPack(root).installedLms();
    }

    /** Whether renders can use the LM: one is installed and the settings do not turn it off. */
    boolean lmAvailable() {
        if ("none".equals(settings.lm)) return false;
        List<String> lms = installedLms();
        return "auto".equals(settings.lm) ? !lms.isEmpty() : lms.contains(settings.lm);
    }

    /** Modes the model cannot run are disabled, with a tooltip naming the model they need. */
    void applyModelAvailability() {
        boolean lm = lmAvailable();
        for (JCheckBox t : List.of(think, parallelThinking, captionRewrite)) {
            t.setEnabled(lm);
            t.setToolTipText(lm ? I18n.t(t.getName().equals("think") ? "render.think.tip" : t.getName().equals("parallelThinking")
                    ? "render.parallel.tip" : "render.captionRewrite.tip") : I18n.t("mode.needsLm"));
        }
        for (Mode m : Mode.values()) {
            String why = m.unavailableReason(settings.variant, lm);
            JToggleButton b = modeButtons.get(m);
            b.setEnabled(why == null);
            b.setToolTipText(why == null ? I18n.t("mode." + m.key() + ".tip") : why);
        }
        if (!modeButtons.get(form.mode()).isEnabled()) selectMode(Mode.CUSTOM);
        form.setTurbo(Mode.turbo(settings.variant));
        org.aceforge.client.ServerAddress server = settings.server();
        status.setText(server != null ? String.format(I18n.t("status.server"), server, settings.variant)
                : String.format(I18n.t("status.models"), settings.modelDir.isBlank() ? I18n.t("status.defaultModels") : settings.modelDir, settings.variant));
    }

    void chooseSource() {
        JFileChooser fc = new JFileChooser(settings.lastFolder.isBlank() ? null : new File(settings.lastFolder));
        if (fc.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) loadSource(fc.getSelectedFile().toPath());
    }

    /** Loads a source file (the same path a drop takes). Decoding runs off the EDT; errors appear in the error line. */
    public void loadSource(Path file) {
        controller.loadSource(file);
    }

    @Override
    public void sourceLoaded(Path file, AudioClip clip, PeakCache peaks) {
        timeline.setPeaks(peaks);
        timeline.setAudio(clip.interleaved(), clip.sampleRate());
        comping = new Comping(clip.interleaved(), clip.sampleRate());
        takes.clear();
        setRegions(List.of());
        stage.setText(String.format(I18n.t("source.loaded"), file.getFileName(), clip.seconds()));
        setTitle("AceForge Studio — " + file.getFileName());
    }

    /** The grid follows the estimate until a BPM is typed (the form's value, or the host's tempo, wins). */
    Integer estimatedBpm;
    int estimatedBeats = 4;

    @Override
    public void tempoEstimated(Integer bpm, String timeSignature) {
        estimatedBpm = bpm;
        estimatedBeats = parseBeats(timeSignature == null ? "" : timeSignature);
        applyTempo();
    }

    /** The grid's tempo: the typed BPM, else the source's estimate. */
    void applyTempo() {
        Integer typed = parseBpm(form.bpm.getText());
        String ts = String.valueOf(form.timesig.getSelectedItem());
        timeline.setTempo(typed != null ? typed : estimatedBpm, ts.isBlank() && typed == null ? estimatedBeats : parseBeats(ts));
    }

    void syncFields() {
        syncing = true;
        if (!timeline.regions().equals(regionList.specs().stream().map(RegionSpec::region).toList())) {
            regionList.setRegions(timeline.regions());
            java.awt.Container p = regionList.getParent() == null ? null : regionList.getParent().getParent();
            if (p != null) { p.revalidate(); p.repaint(); }
            fitUpperPart();
        }
        List<Region> rs = timeline.regions();
        // Without regions (cleared, or a drawing undone) the fields go back to 0–0, which is no region: a stale range
        // left there read as a region that no longer existed.
        regionStart.setValue(rs.isEmpty() ? 0.0 : Math.round(rs.get(0).start() * 100) / 100.0);
        regionEnd.setValue(rs.isEmpty() ? 0.0 : Math.round(rs.get(0).end() * 100) / 100.0);
        syncing = false;
    }

    void fieldsToRegion() {
        if (syncing || controller.sourceAudio() == null) return;
        double s = (Double) regionStart.getValue(), e = (Double) regionEnd.getValue();
        if (e <= s) return;
        List<Region> rs = new ArrayList<>(timeline.regions());
        if (rs.isEmpty()) rs.add(Region.between(s, e)); else rs.set(0, Region.between(s, e));
        undo.addEdit(new RegionEdit(lastRegions, List.copyOf(rs)));
        lastRegions = List.copyOf(rs);
        timeline.setRegions(rs);
    }

    float[] sourceRegionAudio() {
        return controller.sourceRegionAudio(timeline.regions());
    }

    /**
     * A finished batch's variants as take lanes: one per variant and region (each region keeps its own choice), or
     * one over the whole length for a render without regions. Decoding runs off the EDT.
     */
    void addTakes(ResultsPanel.Batch batch) {
        List<Region> regions = batch.request().task().regions();
        float[] source = comping == null ? null : comping.working().clone();   // what a stem's residual is taken from
        Thread t = new Thread(() -> {
            List<Take> made = new ArrayList<>();
            for (var it : batch.result().items()) {
                try {
                    AudioClip clip = org.aceforge.engine.audio.AudioDecoder.decode(it.audio()).toEngineFormat();
                    String name = batch.mode() == null ? "" : I18n.t("mode." + batch.mode().key()) + " ";
                    if (batch.mode() == Mode.EXTRACT && source != null) {
                        // A stem lane and its residual (the source without the stem), both heard solo.
                        String track = batch.request().task() instanceof org.aceforge.engine.tasks.Extract x ? ModePanel.trackName(x.track().key()) : "";
                        double start = regions.isEmpty() ? 0 : Math.max(0, regions.get(0).start());
                        double end = regions.isEmpty() ? clip.seconds() : Math.min(regions.get(0).end(), clip.seconds());
                        Take stem = new Take(track + " · seed " + it.seed(), clip.interleaved(), clip.sampleRate(), start, end, it.audio(), true);
                        made.add(stem);
                        made.add(Take.residual(stem, source, String.format(I18n.t("takes.residual"), track) + " · seed " + it.seed()));
                    } else if (regions.isEmpty() || batch.request().source() == null) {
                        made.add(new Take(name + "seed " + it.seed(), clip.interleaved(), clip.sampleRate(), 0, clip.seconds(), it.audio()));
                    } else {
                        for (Region r : regions) {
                            if (r.start() < 0 || r.end() <= r.start()) continue;   // outpainting before 0 shifts the timeline
                            made.add(new Take(String.format(java.util.Locale.ROOT, "%sseed %d · %.1f–%.1f s", name, it.seed(), r.start(), r.end()),
                                    clip.interleaved(), clip.sampleRate(), r.start(), Math.min(r.end(), clip.seconds()), it.audio()));
                        }
                    }
                } catch (java.io.IOException | IllegalArgumentException e) {
                    SwingUtilities.invokeLater(() -> message(e.getMessage()));
                }
            }
            SwingUtilities.invokeLater(() -> made.forEach(takes::add));
        }, "aceforge-takes");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Files…: a rendered file as a take lane, over the region it was made for when that lies in the loaded source,
     * else over its whole length. Decoding runs off the EDT.
     */
    void openAsTake(Path file, Double start, Double end) {
        Thread t = new Thread(() -> {
            try {
                AudioClip clip = org.aceforge.engine.audio.AudioDecoder.decode(file).toEngineFormat();
                SwingUtilities.invokeLater(() -> {
                    boolean region = start != null && end != null && end > start && start >= 0 && comping != null;
                    String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
                    takes.add(new Take(name, clip.interleaved(), clip.sampleRate(), region ? start : 0,
                            region ? Math.min(end, clip.seconds()) : clip.seconds(), file));
                });
            } catch (java.io.IOException | IllegalArgumentException e) {
                SwingUtilities.invokeLater(() -> message(e.getMessage()));
            }
        }, "aceforge-open-take");
        t.setDaemon(true);
        t.start();
    }

    /** Plays a take in context (the working audio with its span replaced), or the original over the same loop. */
    void auditionTake(Take t, boolean original) {
        if (comping == null) {
            // A text2music result without a source: its own audio is the context.
            comping = new Comping(new float[0], t.rate());
        }
        Comping.Audition a = t.solo() && !original
                ? new Comping.Audition(t.stereo(), t.rate(), Math.max(0, t.startFrame() - (int) Math.round(PRE_ROLL * t.rate())), t.endFrame())
                : original ? comping.original(t, PRE_ROLL) : comping.audition(t, PRE_ROLL);
        player.play(a.stereo(), a.rate(), a.from(), a.to(), true,
                sec -> SwingUtilities.invokeLater(() -> { timeline.setPlayhead(sec); meter.show(a.stereo(), a.rate(), sec); }),
                () -> SwingUtilities.invokeLater(() -> meter.show(null, a.rate(), 0)));
    }

    /** Comps a take into the working audio (undoable); later renders and Play use the working audio. */
    void compTake(Take t) {
        if (comping == null) return;
        player.stop();
        Comping.Change c = comping.comp(t);
        undo.addEdit(new CompEdit(c));
        workingChanged();
        message(String.format(I18n.t("takes.comped"), t.label(), t.start(), t.end()));
    }

    /** The waveform, the lanes' marks and the controller's source follow the working audio. */
    void workingChanged() {
        timeline.replacePeaks(new PeakCache(comping.working(), comping.rate()));
        timeline.setAudio(comping.working(), comping.rate());
        takes.setComped(comping.chosen().values());
        controller.useWorkingAudio(comping.working(), comping.rate());
    }

    /** An undoable comp. */
    final class CompEdit extends AbstractUndoableEdit {
        private final Comping.Change change;

        CompEdit(Comping.Change change) { this.change = change; }

        @Override public void undo() { super.undo(); change.undo(); workingChanged(); }
        @Override public void redo() { super.redo(); change.redo(); workingChanged(); }
        @Override public String getPresentationName() { return "comp " + change.take().label(); }
    }

    /**
     * Space: stops, or plays the working audio — looping the first region when Loop is on, else from the point set
     * on the ruler (or the first region's start, or the beginning) to the end.
     */
    void togglePlaySource() {
        if (player.playing()) { player.stop(); return; }
        if (controller.sourceAudio() == null) return;
        float[] audio = controller.sourceAudio().interleaved();
        int rate = controller.sourceAudio().sampleRate(), frames = audio.length / 2;
        List<Region> rs = timeline.regions();
        int from, to;
        boolean loopIt = loop.isSelected() && !rs.isEmpty();
        if (loopIt) {
            int[] range = controller.sourceRange(rs);
            from = range[0];
            to = range[1];
        } else {
            double start = timeline.playFrom() >= 0 ? timeline.playFrom() : rs.isEmpty() ? 0 : rs.get(0).start();
            from = Math.max(0, Math.min(frames, (int) Math.round(start * rate)));
            to = frames;
        }
        player.play(audio, rate, from, to, loopIt, t -> SwingUtilities.invokeLater(() -> {
            timeline.setPlayhead(t);
            meter.show(audio, rate, t);
        }), () -> SwingUtilities.invokeLater(() -> meter.show(null, rate, 0)));
    }

    /** Renders the current mode's request; a render while another runs is queued. */
    public RenderJob startRender() {
        Mode m = form.mode();
        regionList.markError(-1);
        List<RegionSpec> specs = regionList.specs();
        if (specs.stream().anyMatch(RegionSpec::hasOwn) && controller.source() != null) return startRegionRenders(m, specs);
        try {
            RenderRequest.Builder b = form.request(controller.source(), timeline.regions(), settings.variant, modelDir());
            return controller.startRender(m, b, form.values(), lmAvailable(), form.description.getText(), form.audioFormat());
        } catch (IllegalArgumentException e) {   // a value the form itself could not take
            error(StudioFieldNames.message(e), StudioFieldNames.fieldKey(e));
            return null;
        }
    }

    /**
     * Regions with their own mode or caption: one render per group of regions that ask for the same (in the order of
     * their first region); an error names its region ("Region 2: …") and marks it in the list. Returns the first job.
     */
    RenderJob startRegionRenders(Mode formMode, List<RegionSpec> specs) {
        java.util.Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            RegionSpec s = specs.get(i);
            groups.computeIfAbsent(s.modeOr(formMode).key() + "\u0000" + s.captionOrNull(), k -> new ArrayList<>()).add(i);
        }
        RenderJob first = null;
        for (List<Integer> rows : groups.values()) {
            RegionSpec s = specs.get(rows.get(0));
            Mode mode = s.modeOr(formMode);
            List<Region> rs = rows.stream().map(i -> specs.get(i).region()).toList();
            try {
                RenderRequest.Builder b = form.request(controller.source(), rs, settings.variant, modelDir(), mode, s.captionOrNull());
                b.build();                // a value the builder refuses, before anything of this group is submitted
                RenderJob job = controller.startRender(mode, b, form.values(), lmAvailable(), form.description.getText(), form.audioFormat());
                if (job == null) { regionList.markError(rows.get(0)); prefixRegion(rows.get(0)); return first; }
                if (first == null) first = job;
            } catch (IllegalArgumentException e) {
                regionList.markError(rows.get(0));
                error(String.format(I18n.t("regions.error"), rows.get(0) + 1, StudioFieldNames.message(e)), StudioFieldNames.fieldKey(e));
                return first;
            }
        }
        return first;
    }

    private void prefixRegion(int row) {
        String text = error.getText();
        if (text != null && !text.isBlank() && !text.startsWith(String.format(I18n.t("regions.error"), row + 1, "")))
            error.setText(String.format(I18n.t("regions.error"), row + 1, text));
    }

    private Path modelDir() {
        return settings.modelDir.isBlank() ? null : Path.of(settings.modelDir);
    }

    /** "Convert to codes": the source's 5 Hz codes into the codes field (on a render worker). */
    public java.util.concurrent.CompletableFuture<long[]> codesFromSource() {
        return controller.codesFromSource();
    }

    /** "Transcribe": the LM describes the codes; caption, lyrics and metadata fields are filled. */
    public java.util.concurrent.CompletableFuture<?> transcribeCodes() {
        return controller.transcribeCodes(form.codes.getText(), lmAvailable());
    }

    /** "Format": the LM rewrites caption and lyrics into a detailed description and fills empty metadata. */
    public java.util.concurrent.CompletableFuture<?> formatCaption() {
        Integer bpm = parseBpm(form.bpm.getText());
        String ts = String.valueOf(form.timesig.getSelectedItem());
        String key = org.aceforge.engine.lm.Keys.canonical(form.key.getText());
        String lang = String.valueOf(form.language.getSelectedItem());
        var given = new org.aceforge.engine.lm.LmPlanner.Given(form.caption.getText(), form.lyrics.getText(), bpm, key,
                ts.isBlank() ? null : Integer.valueOf(ts), form.durationAuto.isSelected() ? null : (int) Math.round((Double) form.duration.getValue()),
                "unknown".equals(lang) ? null : lang);
        return controller.formatCaption(given, form.instrumental.isSelected(), lmAvailable());
    }

    @Override
    public void error(String text, String fieldKey) {
        error.setText(text);
        markField(fieldKey, text);
    }

    @Override
    public void clearError() {
        error.setText(" ");
    }

    @Override
    public void stage(String text) {
        stage.setText(text);
    }

    @Override
    public void fill(Map<String, String> values) {
        form.apply(values);
    }

    /** Outlines the field a message names (FlatLaf's error outline) until it is edited. */
    void markField(String fieldKey, String message) {
        for (String key : form.mode().fields) {
            JComponent f = form.field(key);
            boolean named = fieldKey != null ? fieldKey.equals(key) : message != null && message.startsWith(I18n.t("field." + key));
            if (f == null || !named) continue;
            JComponent target = f instanceof JScrollPane sp && sp.getViewport().getView() instanceof JComponent v ? v : f;
            target.putClientProperty("JComponent.outline", "error");
            target.setToolTipText(message);
            target.requestFocusInWindow();
            if (target instanceof javax.swing.text.JTextComponent t)
                t.getDocument().addDocumentListener(new javax.swing.event.DocumentListener() {
                    void clear() { target.putClientProperty("JComponent.outline", null); target.setToolTipText(null); }
                    public void insertUpdate(javax.swing.event.DocumentEvent e) { clear(); }
                    public void removeUpdate(javax.swing.event.DocumentEvent e) { clear(); }
                    public void changedUpdate(javax.swing.event.DocumentEvent e) { clear(); }
                });
        }
    }

    /** The models dialog: what is installed, Check, Get models. One at a time. EDT only. */
    ModelsDialog showModels() {
        if (modelsDialog == null || !modelsDialog.isDisplayable())
            modelsDialog = new ModelsDialog(this, settings, this::applyModelAvailability);
        modelsDialog.setVisible(true);
        modelsDialog.toFront();
        return modelsDialog;
    }

    private ModelsDialog modelsDialog;

    /** The training dialog (one, kept while a run goes on when it is hidden). EDT only. */
    TrainingDialog showTraining() {
        if (trainingDialog == null || !trainingDialog.isDisplayable()) trainingDialog = new TrainingDialog(this);
        trainingDialog.setVisible(true);
        trainingDialog.toFront();
        return trainingDialog;
    }

    private TrainingDialog trainingDialog;

    /**
     * First run without real models (the demo pack is in use): offers Get models once (standalone and plugin editor).
     * EDT only.
     */
    public void offerModelsOnce() {
        if (settings.modelsOffered) return;
        settings.modelsOffered = true;
        saveSettings();
        try {
            if (!org.aceforge.engine.jobs.ModelLocator.defaultPack().isDemo() || !settings.modelDir.isBlank()) return;
        } catch (Exception e) {
            return;
        }
        showModels();
    }

    void cancelRender() {
        controller.cancelRender();
    }

    @Override
    public void finished(ResultsPanel.Batch batch, Throwable failure) {
        if (failure != null) {
            progress.setString(StudioController.cancelled(failure) ? I18n.t("render.cancelled") : I18n.t("render.failed"));
            if (!StudioController.cancelled(failure)) error.setText(StudioFieldNames.message(failure));
            return;
        }
        progress.setValue(1000);
        progress.setString(I18n.t("render.done"));
        results.add(batch);
        addTakes(batch);
        if (batch.result().demoModels()) message(I18n.t("status.demo"));
        if (autoGen.isSelected()) startRender();
    }

    @Override
    public void queue(long running) {
        cancel.setEnabled(running > 0);
        queue.setText(running > 1 ? String.format(I18n.t("render.queued"), running - 1) : " ");
    }

    @Override
    public void progress(Progress p) {
        progress.setValue((int) Math.round(p.overall() * 1000));
        progress.setString(p.message());
        stage.setText(I18n.t("stage." + p.stage().name().toLowerCase()));
    }

    void applyBatch(ResultsPanel.Batch b) {
        selectMode(b.mode());
        form.apply(b.fields());
    }

    void message(String m) {
        messages.add(m);
        status.setText(m);
    }

    void savePreset() {
        String name = JOptionPane.showInputDialog(this, I18n.t("preset.name"));
        if (name == null) return;
        try {
            presets.save(name, form.mode().key(), form.values());
            selectMode(form.mode());
            dirty.setText(" ");
        } catch (IOException | IllegalArgumentException e) {
            error.setText(e.getMessage());
        }
    }

    void renamePreset() {
        Presets.Preset p = (Presets.Preset) presetBox.getSelectedItem();
        if (p == null) return;
        String name = JOptionPane.showInputDialog(this, I18n.t("preset.name"), p.name());
        if (name == null) return;
        try {
            presets.rename(p, name);
            selectMode(form.mode());
        } catch (IOException | IllegalArgumentException e) {
            error.setText(e.getMessage());
        }
    }

    void deletePreset() {
        Presets.Preset p = (Presets.Preset) presetBox.getSelectedItem();
        if (p == null) return;
        try {
            presets.delete(p);
            selectMode(form.mode());
        } catch (IOException | IllegalArgumentException e) {
            error.setText(e.getMessage());
        }
    }

    void saveSettings() {
        settings.width = getWidth() > 0 ? getWidth() : settings.width;
        settings.height = getHeight() > 0 ? getHeight() : settings.height;
        try {
            settings.save();
        } catch (IOException e) {
            message(e.getMessage());
        }
    }

    @Override
    public void dispose() {
        player.stop();
        saveToHost();
        saveSettings();
        super.dispose();
    }

    static Integer parseBpm(String s) {
        try {
            int b = Integer.parseInt(s.strip());
            return b >= 30 && b <= 300 ? b : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int parseBeats(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 4;
        }
    }

    /** Accepts dropped files (the first audio file is used). */
    static final class FileDrop extends TransferHandler {
        private final java.util.function.Consumer<Path> target;

        FileDrop(java.util.function.Consumer<Path> target) { this.target = target; }

        @Override
        public boolean canImport(TransferSupport s) { return s.isDataFlavorSupported(DataFlavor.javaFileListFlavor); }

        @Override
        @SuppressWarnings("unchecked")
        public boolean importData(TransferSupport s) {
            try {
                List<File> files = (List<File>) s.getTransferable().getTransferData(DataFlavor.javaFileListFlavor);
                if (files.isEmpty()) return false;
                target.accept(files.get(0).toPath());
                return true;
            } catch (Exception e) {
                return false;
            }
        }
    }

}
