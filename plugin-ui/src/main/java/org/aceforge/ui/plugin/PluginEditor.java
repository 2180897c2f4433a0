package org.aceforge.ui.plugin;

import com.formdev.flatlaf.FlatDarkLaf;
import org.aceforge.engine.audio.Loudness;
import org.aceforge.engine.jobs.Progress;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;

import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.Clip;
import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JComponent;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.JSlider;
import javax.swing.JSpinner;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.TransferHandler;
import javax.swing.UIManager;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.datatransfer.DataFlavor;
import java.awt.datatransfer.Transferable;
import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * The plugin's first editor: engine and transport status, the captured track audio with a region picker, the
 * text-to-music inputs, render with progress and cancel, and the rendered variants with audition, place on the
 * timeline and drag-out. A separate window for now; the studio panel replaces it. EDT only.
 */
public final class PluginEditor extends JFrame {
    private final PluginContext ctx;
    private final WaveformView wave = new WaveformView();
    private final JLabel status = new JLabel(" ");
    private final JTextField caption = new JTextField(40);
    private final JTextArea lyrics = new JTextArea(4, 40);
    private final JCheckBox instrumental = new JCheckBox("Instrumental");
    private final JSpinner duration = new JSpinner(new SpinnerNumberModel(30.0, 10.0, 600.0, 1.0));
    private final JLabel region = new JLabel("No region: drag on the waveform to pick one.");
    private final JButton render = new JButton("Render");
    private final JButton cancel = new JButton("Cancel");
    private final JProgressBar progress = new JProgressBar(0, 1000);
    private final DefaultListModel<RenderResult.Item> results = new DefaultListModel<>();
    private final JList<RenderResult.Item> resultList = new JList<>(results);
    private final JTextArea messages = new JTextArea(3, 40);
    private final Timer poll;
    private RenderJob job;

    public PluginEditor(PluginContext ctx) {
        super("AceForge");
        this.ctx = ctx;
        setDefaultCloseOperation(HIDE_ON_CLOSE);
        JPanel root = new JPanel(new BorderLayout(8, 8));
        root.setBorder(BorderFactory.createEmptyBorder(10, 10, 10, 10));
        root.add(status, BorderLayout.NORTH);

        JPanel center = new JPanel();
        center.setLayout(new BoxLayout(center, BoxLayout.Y_AXIS));
        wave.onRegion((a, b) -> {
            ctx.settings().regionStart = a;
            ctx.settings().regionEnd = b;
            showRegion();
        });
        center.add(titled("Captured track audio", wave));
        center.add(region);
        center.add(Box.createVerticalStrut(6));
        center.add(titled("Mode and text", form()));
        center.add(titled("Rendered variants (drag one onto a track, or place it on the timeline)", variantsPanel()));
        center.add(titled("Output", parameters()));
        root.add(center, BorderLayout.CENTER);

        messages.setEditable(false);
        messages.setLineWrap(true);
        messages.setWrapStyleWord(true);
        root.add(new JScrollPane(messages), BorderLayout.SOUTH);
        setContentPane(root);
        loadSettings();
        pack();
        poll = new Timer(500, e -> refresh());
        poll.start();
        refresh();
    }

    /** Installs FlatLaf once for editors created inside a host. */
    public static void installLookAndFeel() {
        // Inside a host the EDT may start from a JNI-attached thread without a context class loader; Swing then
        // cannot find FlatLaf's UI delegates unless told which loader to use.
        ClassLoader ours = PluginEditor.class.getClassLoader();
        Thread.currentThread().setContextClassLoader(ours);
        if (!(UIManager.getLookAndFeel() instanceof com.formdev.flatlaf.FlatLaf)) FlatDarkLaf.setup();
        UIManager.put("ClassLoader", ours);
        UIManager.getDefaults().put("ClassLoader", ours);
    }

    private static JComponent titled(String title, JComponent c) {
        c.setBorder(BorderFactory.createTitledBorder(title));
        return c;
    }

    private JPanel form() {
        JPanel p = new JPanel(new GridBagLayout());
        GridBagConstraints g = new GridBagConstraints();
        g.insets = new Insets(2, 4, 2, 4);
        g.anchor = GridBagConstraints.WEST;
        JComboBox<String> mode = new JComboBox<>(new String[]{"Custom (text to music)", "Repaint", "Remix", "Extract", "Lego", "Complete"});
        mode.setToolTipText("Repaint, Remix, Extract, Lego and Complete arrive with region editing; Custom works now.");
        mode.addActionListener(e -> {
            if (mode.getSelectedIndex() != 0) {
                mode.setSelectedIndex(0);
                message("Only Custom (text to music) is available in this version.");
            }
        });
        g.gridx = 0; g.gridy = 0; p.add(new JLabel("Mode"), g);
        g.gridx = 1; p.add(mode, g);
        g.gridx = 0; g.gridy = 1; p.add(new JLabel("Caption"), g);
        g.gridx = 1; g.fill = GridBagConstraints.HORIZONTAL; p.add(caption, g);
        g.gridx = 0; g.gridy = 2; g.fill = GridBagConstraints.NONE; p.add(new JLabel("Lyrics"), g);
        g.gridx = 1; g.fill = GridBagConstraints.BOTH; p.add(new JScrollPane(lyrics), g);
        JPanel row = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 0));
        row.add(instrumental);
        row.add(new JLabel("Duration (s)"));
        row.add(duration);
        row.add(render);
        row.add(cancel);
        row.add(progress);
        progress.setStringPainted(true);
        progress.setString("idle");
        cancel.setEnabled(false);
        render.addActionListener(e -> startRender());
        cancel.addActionListener(e -> { if (job != null) job.cancel(); });
        g.gridx = 1; g.gridy = 3; g.fill = GridBagConstraints.NONE; p.add(row, g);
        return p;
    }

    private JPanel variantsPanel() {
        JPanel p = new JPanel(new BorderLayout());
        resultList.setCellRenderer((list, item, index, selected, focus) -> {
            JLabel l = new JLabel("  " + item.audio().getFileName() + "   seed " + item.seed() + "   " + item.durationSeconds() + " s");
            l.setOpaque(selected);
            if (selected) l.setBackground(list.getSelectionBackground());
            return l;
        });
        resultList.setVisibleRowCount(4);
        resultList.setDragEnabled(true);
        resultList.setTransferHandler(new TransferHandler() {
            @Override
            public int getSourceActions(JComponent c) {
                return COPY;
            }

            @Override
            protected Transferable createTransferable(JComponent c) {
                RenderResult.Item it = resultList.getSelectedValue();
                if (it == null) return null;
                File f = it.audio().toFile();
                return new Transferable() {
                    public DataFlavor[] getTransferDataFlavors() { return new DataFlavor[]{DataFlavor.javaFileListFlavor}; }
                    public boolean isDataFlavorSupported(DataFlavor fl) { return DataFlavor.javaFileListFlavor.equals(fl); }
                    public Object getTransferData(DataFlavor fl) { return List.of(f); }
                };
            }
        });
        p.add(new JScrollPane(resultList), BorderLayout.CENTER);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT));
        JButton audition = new JButton("Audition");
        JButton place = new JButton("Place on timeline");
        JButton unplace = new JButton("Remove from timeline");
        audition.addActionListener(e -> audition());
        place.addActionListener(e -> place());
        unplace.addActionListener(e -> ctx.variants().stream().filter(PluginContext.Variant::placed).forEach(v -> ctx.unplace(v.slot())));
        buttons.add(audition);
        buttons.add(place);
        buttons.add(unplace);
        p.add(buttons, BorderLayout.SOUTH);
        return p;
    }

    private JPanel parameters() {
        JPanel p = new JPanel(new FlowLayout(FlowLayout.LEFT));
        JSlider mix = new JSlider(0, 100, (int) Math.round(ctx.parameter(0) * 100));
        JSlider gain = new JSlider(0, 720, (int) Math.round(ctx.parameter(1) * 720));
        mix.addChangeListener(e -> ctx.editParameter(0, mix.getValue() / 100.0));
        gain.addChangeListener(e -> ctx.editParameter(1, gain.getValue() / 720.0));
        p.add(new JLabel("Dry/Wet"));
        p.add(mix);
        p.add(new JLabel("Output gain"));
        p.add(gain);
        return p;
    }

    private void loadSettings() {
        PluginSettings s = ctx.settings();
        caption.setText(s.caption);
        lyrics.setText(s.lyrics);
        instrumental.setSelected(s.instrumental);
        duration.setValue(Math.max(10, Math.min(600, s.duration)));
        showRegion();
    }

    private void saveSettings() {
        PluginSettings s = ctx.settings();
        s.caption = caption.getText();
        s.lyrics = lyrics.getText();
        s.instrumental = instrumental.isSelected();
        s.duration = ((Number) duration.getValue()).doubleValue();
    }

    private void showRegion() {
        PluginSettings s = ctx.settings();
        if (s.regionEnd > s.regionStart && s.regionStart >= 0) {
            region.setText(String.format("Region %.2f s – %.2f s (%.2f s): renders are placed at its start.", s.regionStart, s.regionEnd, s.regionEnd - s.regionStart));
            duration.setValue(Math.max(10, Math.min(600, Math.ceil(s.regionEnd - s.regionStart))));
            wave.setRegion(s.regionStart, s.regionEnd);
        }
    }

    private void refresh() {
        PluginContext.Transport t = ctx.transport();
        status.setText(String.format("Engine ready · %s · %.0f Hz · %.1f BPM %d/%d · %s at %.2f s",
                ctx.renders() == null ? "no engine" : "models: " + (ctx.settings().modelDir.isBlank() ? "default" : ctx.settings().modelDir),
                t.sampleRate(), t.tempo(), t.timeSigNumerator(), t.timeSigDenominator(), t.playing() ? "playing" : "stopped",
                t.sampleRate() > 0 ? t.projectSamples() / t.sampleRate() : 0));
        PluginContext.Capture c = ctx.capture();
        if (c.frames() > 0) wave.setAudio(c.interleaved(), c.timelineStart() / c.sampleRate(), c.sampleRate());
        for (String m : ctx.messages()) message(m);
        ctx.messages().clear();
    }

    void message(String m) {
        messages.append(m + "\n");
    }

    private void startRender() {
        saveSettings();
        PluginSettings s = ctx.settings();
        if (s.caption.isBlank()) {
            message("Write a caption first: it says what the music should sound like.");
            caption.requestFocusInWindow();
            return;
        }
        String name = "aceforge-" + System.currentTimeMillis() + ".wav";
        RenderRequest.Builder b = RenderRequest.builder().caption(s.caption).lyrics(s.lyrics).instrumental(s.instrumental)
                .duration(s.duration).batch(2).variant(s.variant).output(ctx.renderFolder().resolve(name));
        if (!s.modelDir.isBlank()) b.modelDir(Path.of(s.modelDir));
        if (s.seed >= 0) b.seed(s.seed);
        PluginContext.Transport t = ctx.transport();
        if (t.tempo() >= 30 && t.tempo() <= 300) b.bpm((int) Math.round(t.tempo()));
        if (List.of(2, 3, 4, 6).contains(t.timeSigNumerator())) b.timeSignature(Integer.toString(t.timeSigNumerator()));
        try {
            job = ctx.renders().submit(b.build(), p -> SwingUtilities.invokeLater(() -> showProgress(p)), null);
        } catch (RuntimeException e) {
            message("Cannot render: " + e.getMessage());
            return;
        }
        render.setEnabled(false);
        cancel.setEnabled(true);
        RenderJob mine = job;
        mine.result().whenComplete((r, err) -> SwingUtilities.invokeLater(() -> {
            render.setEnabled(true);
            cancel.setEnabled(false);
            if (err != null) {
                Throwable c = err.getCause() != null ? err.getCause() : err;
                progress.setString(c instanceof org.aceforge.engine.jobs.CancelledException ? "cancelled" : "failed");
                message("Render " + (c instanceof org.aceforge.engine.jobs.CancelledException ? "cancelled." : "failed: " + c.getMessage()));
            } else {
                progress.setValue(1000);
                progress.setString("done");
                r.items().forEach(results::addElement);
                if (r.demoModels()) message("Rendered with the demo pack: noise-like by design. Set a model folder for music.");
            }
        }));
    }

    private void showProgress(Progress p) {
        progress.setValue((int) Math.round(p.overall() * 1000));
        progress.setString(p.message());
    }

    private void audition() {
        RenderResult.Item it = resultList.getSelectedValue();
        if (it == null) { message("Select a variant to audition."); return; }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(it.audio().toFile())) {
            Clip clip = AudioSystem.getClip();
            clip.open(in);
            clip.start();
        } catch (Exception | LinkageError e) {
            message("No audio device for auditioning here (" + e.getClass().getSimpleName() + "); place the variant on the timeline instead.");
        }
    }

    private void place() {
        RenderResult.Item it = resultList.getSelectedValue();
        if (it == null) { message("Select a variant to place."); return; }
        PluginSettings s = ctx.settings();
        double rate = ctx.transport().sampleRate() > 0 ? ctx.transport().sampleRate() : 48000;
        long start = s.regionStart >= 0 ? Math.round(s.regionStart * rate) : 0;
        try {
            int slot = ctx.place(it.audio(), start);
            message("Placed " + it.audio().getFileName() + " at " + String.format("%.2f s", start / rate) + " (slot " + slot + "); it plays with the host transport.");
        } catch (Exception e) {
            message("Cannot place " + it.audio().getFileName() + ": " + e.getMessage());
        }
    }

    @Override
    public void dispose() {
        poll.stop();
        super.dispose();
    }

    static float peak(float[] x) {
        return Loudness.peak(x);
    }
}
