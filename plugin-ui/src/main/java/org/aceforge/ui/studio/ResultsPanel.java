package org.aceforge.ui.studio;

import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;

import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JToggleButton;
import javax.swing.TransferHandler;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.datatransfer.DataFlavor;
import java.awt.datatransfer.Transferable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Rendered batches: up to 8 variants per batch, each with play/stop, an A/B toggle against the source region, save
 * (audio + JSON), send to source, details, and drag-out as a file; previous/next batch navigation and
 * "apply these settings". EDT only.
 */
public final class ResultsPanel extends JPanel {
    /** A finished batch with the request that made it. */
    public record Batch(RenderResult result, RenderRequest request, java.util.Map<String, String> fields, Mode mode) {}

    private final List<Batch> batches = new ArrayList<>();
    private int shown = -1;
    private final JPanel list = new JPanel();
    private final JLabel position = new JLabel();
    private final AudioOut player;
    private final Consumer<Path> sendToSource;
    private final Consumer<Batch> applySettings;
    private final Consumer<String> message;
    private java.util.function.Supplier<float[]> sourceRegion = () -> null;

    private final Consumer<Path> place;

    public ResultsPanel(AudioOut player, Consumer<Path> sendToSource, Consumer<Batch> applySettings, Consumer<String> message,
                        Consumer<Path> place) {
        super(new BorderLayout());
        this.place = place;
        this.player = player;
        this.sendToSource = sendToSource;
        this.applySettings = applySettings;
        this.message = message;
        list.setLayout(new BoxLayout(list, BoxLayout.Y_AXIS));
        JPanel nav = new JPanel(new FlowLayout(FlowLayout.LEFT));
        JButton prev = new JButton(I18n.t("results.prev")), next = new JButton(I18n.t("results.next")), apply = new JButton(I18n.t("results.apply"));
        prev.setName("prevBatch");
        next.setName("nextBatch");
        prev.addActionListener(e -> show(shown - 1));
        next.addActionListener(e -> show(shown + 1));
        apply.addActionListener(e -> { if (shown >= 0) applySettings.accept(batches.get(shown)); });
        nav.add(prev);
        nav.add(position);
        nav.add(next);
        nav.add(apply);
        add(nav, BorderLayout.NORTH);
        add(new JScrollPane(list), BorderLayout.CENTER);
        show(-1);
    }

    public void sourceRegion(java.util.function.Supplier<float[]> s) { sourceRegion = s; }

    public void add(Batch b) {
        batches.add(b);
        show(batches.size() - 1);
    }

    public int batchCount() { return batches.size(); }

    public int shownBatch() { return shown; }

    public List<RenderResult.Item> shownItems() {
        return shown < 0 ? List.of() : batches.get(shown).result().items();
    }

    void show(int index) {
        if (batches.isEmpty()) {
            shown = -1;
            position.setText(I18n.t("results.none"));
        } else {
            shown = Math.max(0, Math.min(batches.size() - 1, index));
            position.setText(String.format(I18n.t("results.batchOf"), shown + 1, batches.size()));
        }
        list.removeAll();
        if (shown >= 0) for (RenderResult.Item it : batches.get(shown).result().items()) list.add(row(it));
        list.revalidate();
        list.repaint();
    }

    private JComponent row(RenderResult.Item it) {
        JPanel p = new JPanel(new BorderLayout());
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT, 4, 2));
        p.setBorder(BorderFactory.createMatteBorder(0, 0, 1, 0, java.awt.Color.GRAY));
        var score = score(it);
        JLabel name = new JLabel(it.audio().getFileName() + "  ·  seed " + it.seed() + "  ·  " + it.durationSeconds() + " s" + scoreText(score));
        name.setName("variant-" + it.seed());
        name.setTransferHandler(new FileExport(it.audio()));
        name.addMouseMotionListener(new java.awt.event.MouseMotionAdapter() {
            @Override
            public void mouseDragged(java.awt.event.MouseEvent e) {
                name.getTransferHandler().exportAsDrag(name, e, TransferHandler.COPY);
            }
        });
        name.setToolTipText(I18n.t("results.dragHint"));
        JButton play = new JButton(I18n.t("results.play"));
        JToggleButton ab = new JToggleButton("A/B");
        JButton save = new JButton(I18n.t("results.save")), send = new JButton(I18n.t("results.send")), details = new JButton(I18n.t("results.details"));
        play.setName("play");
        save.setName("save");
        play.addActionListener(e -> {
            if (player.playing()) { player.stop(); play.setText(I18n.t("results.play")); return; }
            try {
                float[] audio = ab.isSelected() ? sourceRegion.get() : AudioDecoder.decode(it.audio()).toEngineFormat().interleaved();
                if (audio == null) { message.accept(I18n.t("results.noSource")); return; }
                play.setText(I18n.t("results.stop"));
                player.play(audio, 48000, 0, audio.length / 2, t -> { }, () -> javax.swing.SwingUtilities.invokeLater(() -> play.setText(I18n.t("results.play"))));
            } catch (IOException ex) {
                message.accept(ex.getMessage());
            }
        });
        save.addActionListener(e -> save(it, null));
        send.addActionListener(e -> sendToSource.accept(it.audio()));
        details.setName("details");
        details.addActionListener(e -> {
            try {
                new DetailsDialog(javax.swing.SwingUtilities.getWindowAncestor(this), it.audio(), it.sidecar()).setVisible(true);
            } catch (IOException ex) {
                message.accept(ex.getMessage());
            }
        });
        name.setBorder(BorderFactory.createEmptyBorder(4, 6, 0, 6));
        name.setToolTipText(scoreTip(score));
        buttons.add(play);
        buttons.add(ab);
        buttons.add(save);
        buttons.add(send);
        buttons.add(details);
        Path lrcFile = lrcOf(it);
        if (lrcFile != null) {
            JButton lrc = new JButton("LRC");
            lrc.setName("lrc");
            lrc.setToolTipText(I18n.t("results.lrc.tip"));
            lrc.addActionListener(e -> {
                try {
                    JOptionPane.showMessageDialog(this, new JScrollPane(new javax.swing.JTextArea(Files.readString(lrcFile), 16, 50)),
                            lrcFile.getFileName().toString(), JOptionPane.PLAIN_MESSAGE);
                } catch (IOException ex) {
                    message.accept(ex.getMessage());
                }
            });
            buttons.add(lrc);
        }
        if (place != null) {
            JButton put = new JButton(I18n.t("host.place"));
            put.setName("place");
            put.addActionListener(e -> place.accept(it.audio()));
            buttons.add(put);
        }
        p.add(name, BorderLayout.NORTH);
        p.add(buttons, BorderLayout.CENTER);
        try {
            TimelinePanel mini = new TimelinePanel();
            mini.setPreferredSize(new java.awt.Dimension(300, 48));
            org.aceforge.engine.audio.AudioClip clip = AudioDecoder.decode(it.audio());
            mini.setPeaks(new PeakCache(clip.toEngineFormat().interleaved(), 48000));
            mini.setName("variantWaveform");
            p.add(mini, BorderLayout.SOUTH);
        } catch (IOException e) {
            message.accept(e.getMessage());
        }
        p.setMaximumSize(new java.awt.Dimension(Integer.MAX_VALUE, p.getPreferredSize().height));
        p.setAlignmentX(LEFT_ALIGNMENT);
        return p;
    }

    /** Copies a variant and its sidecar to a chosen file (or to {@code target} when given, for tests). */
    public Path save(RenderResult.Item it, Path target) {
        Path dest = target;
        if (dest == null) {
            JFileChooser fc = new JFileChooser();
            fc.setSelectedFile(it.audio().getFileName().toFile());
            if (fc.showSaveDialog(this) != JFileChooser.APPROVE_OPTION) return null;
            dest = fc.getSelectedFile().toPath();
        }
        try {
            Files.copy(it.audio(), dest, StandardCopyOption.REPLACE_EXISTING);
            String n = dest.getFileName().toString();
            Path json = dest.resolveSibling((n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n) + ".json");
            Files.copy(it.sidecar(), json, StandardCopyOption.REPLACE_EXISTING);
            message.accept(String.format(I18n.t("results.saved"), dest));
            return dest;
        } catch (IOException e) {
            message.accept(e.getMessage());
            return null;
        }
    }

    /** Drag-out: the variant arrives as a file on the desktop or a DAW track. */
    static final class FileExport extends TransferHandler {
        private final Path file;

        FileExport(Path file) { this.file = file; }

        @Override
        public int getSourceActions(JComponent c) { return COPY; }

        @Override
        protected Transferable createTransferable(JComponent c) {
            File f = file.toFile();
            return new Transferable() {
                public DataFlavor[] getTransferDataFlavors() { return new DataFlavor[]{DataFlavor.javaFileListFlavor}; }
                public boolean isDataFlavorSupported(DataFlavor fl) { return DataFlavor.javaFileListFlavor.equals(fl); }
                public Object getTransferData(DataFlavor fl) { return List.of(f); }
            };
        }
    }


    /** "  ·  score 0.62" when the render was scored by the LM (auto score). */
    static String scoreText(com.fasterxml.jackson.databind.JsonNode score) {
        return score == null ? "" : String.format(java.util.Locale.ROOT, "  ·  %s %.2f", I18n.t("results.score"), score.path("total").asDouble());
    }

    static String scoreTip(com.fasterxml.jackson.databind.JsonNode s) {
        if (s == null) return null;
        return String.format(java.util.Locale.ROOT, I18n.t("results.scoreTip"), part(s, "caption"), part(s, "lyrics"), part(s, "metadata"));
    }

    private static String part(com.fasterxml.jackson.databind.JsonNode s, String k) {
        return s.path(k).isNumber() ? String.format(java.util.Locale.ROOT, "%.2f", s.path(k).asDouble()) : "–";
    }

    private static com.fasterxml.jackson.databind.JsonNode score(RenderResult.Item it) {
        try {
            var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(it.sidecar().toFile()).path("score");
            return n.isMissingNode() ? null : n;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The variant's .lrc file (auto-LRC), or null. */
    static Path lrcOf(RenderResult.Item it) {
        String name = it.audio().getFileName().toString();
        Path p = it.audio().resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".lrc");
        return Files.isRegularFile(p) ? p : null;
    }
}
