package org.aceforge.ui.studio;

import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.train.AutoLabel;
import org.aceforge.engine.train.Dataset;
import org.aceforge.engine.train.DatasetException;
import org.aceforge.engine.train.DatasetJson;
import org.aceforge.engine.train.DatasetSample;
import org.aceforge.engine.train.DatasetScanner;
import org.aceforge.engine.train.TagPosition;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The dataset builder in the studio: scan a folder of songs (decoded and analysed for tempo, key and metre) or open a
 * dataset JSON, review and edit every song in a table, let the LM label the songs not labelled yet, and save the
 * official builder's JSON. Scanning and labelling run on a thread of their own; their outcome comes back to the EDT.
 * A bad value is named under the table and nothing is written. Public methods: EDT only.
 */
final class DatasetPanel extends JPanel {
    final JTextField name = new JTextField("my-style", 14), tag = new JTextField(12);
    final JComboBox<String> position = new JComboBox<>(new String[]{"prepend", "append", "replace"});
    final JCheckBox allInstrumental = new JCheckBox(I18n.t("dataset.allInstrumental"));
    final JButton scan = new JButton(I18n.t("dataset.scan")), open = new JButton(I18n.t("dataset.open")),
            label = new JButton(I18n.t("dataset.label")), save = new JButton(I18n.t("dataset.save"));
    final DatasetTableModel model = new DatasetTableModel();
    final JTable table = new JTable(model);
    final JLabel problem = new JLabel(" "), status = new JLabel(" ");
    private final StudioSettings settings;
    private final Consumer<Path> saved;
    private int genreRatio;

    /** {@code saved} hears the file each successful save wrote (the training tab takes it as its dataset). */
    DatasetPanel(StudioSettings settings, Consumer<Path> saved) {
        super(new BorderLayout());
        this.settings = settings;
        this.saved = saved;
        name.setName("datasetName");
        tag.setName("datasetTag");
        position.setName("datasetTagPosition");
        allInstrumental.setName("datasetAllInstrumental");
        scan.setName("datasetScan");
        open.setName("datasetOpen");
        label.setName("datasetLabel");
        save.setName("datasetSave");
        table.setName("datasetTable");
        problem.setName("datasetProblem");
        problem.setForeground(new Color(0xE0, 0x50, 0x50));
        status.setName("datasetStatus");
        model.onProblem(problem::setText);
        table.setRowHeight(table.getRowHeight() + 4);
        table.getColumnModel().getColumn(DatasetTableModel.CAPTION).setPreferredWidth(260);
        table.getColumnModel().getColumn(DatasetTableModel.LYRICS).setPreferredWidth(160);

        JPanel fields = new JPanel(new FlowLayout(FlowLayout.LEFT));
        fields.add(new JLabel(I18n.t("dataset.name")));
        fields.add(name);
        fields.add(new JLabel(I18n.t("dataset.tag")));
        fields.add(tag);
        fields.add(position);
        fields.add(allInstrumental);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT));
        buttons.add(scan);
        buttons.add(open);
        buttons.add(label);
        buttons.add(save);
        buttons.add(status);
        JPanel north = new JPanel(new BorderLayout());
        north.add(fields, BorderLayout.NORTH);
        north.add(buttons, BorderLayout.SOUTH);
        add(north, BorderLayout.NORTH);
        add(new JScrollPane(table), BorderLayout.CENTER);
        add(problem, BorderLayout.SOUTH);
        setBorder(BorderFactory.createEmptyBorder(6, 6, 6, 6));

        scan.addActionListener(e -> choose(JFileChooser.DIRECTORIES_ONLY, false).ifPresent(this::scan));
        open.addActionListener(e -> choose(JFileChooser.FILES_ONLY, false).ifPresent(this::open));
        save.addActionListener(e -> choose(JFileChooser.FILES_ONLY, true).ifPresent(this::save));
        label.addActionListener(e -> label());
    }

    private java.util.Optional<Path> choose(int mode, boolean saving) {
        JFileChooser fc = new JFileChooser();
        fc.setFileSelectionMode(mode);
        int r = saving ? fc.showSaveDialog(this) : fc.showOpenDialog(this);
        return r == JFileChooser.APPROVE_OPTION ? java.util.Optional.of(fc.getSelectedFile().toPath()) : java.util.Optional.empty();
    }

    /** The dataset as the fields and the table hold it now. */
    Dataset dataset() {
        TagPosition p = TagPosition.parse((String) position.getSelectedItem());
        return new Dataset(name.getText().strip(), tag.getText().strip(), p == null ? TagPosition.PREPEND : p,
                allInstrumental.isSelected(), genreRatio, model.samples());
    }

    private void show(Dataset d) {
        name.setText(d.name() == null ? "" : d.name());
        tag.setText(d.customTag() == null ? "" : d.customTag());
        position.setSelectedItem(d.tagPosition().key());
        allInstrumental.setSelected(d.allInstrumental());
        genreRatio = d.genreRatio();
        model.set(d.samples());
    }

    /** Reads a dataset JSON; its songs' paths become absolute, so it can be saved anywhere. */
    void open(Path file) {
        try {
            Dataset d = DatasetJson.read(file);
            List<DatasetSample> absolute = new ArrayList<>();
            for (DatasetSample s : d.samples())
                absolute.add(new DatasetSample(s.id(), DatasetJson.audioOf(s, file).toAbsolutePath().toString(), s.filename(), s.caption(),
                        s.genre(), s.lyrics(), s.bpm(), s.keyscale(), s.timesignature(), s.duration(), s.language(), s.instrumental(), s.labeled()));
            show(d.withSamples(absolute));
            problem.setText(" ");
            status.setText(String.format(Locale.ROOT, I18n.t("dataset.loaded"), absolute.size()));
        } catch (DatasetException e) {
            problem.setText(e.getMessage());
        }
    }

    /** Scans a folder on a thread of its own; the table shows the songs found, the status line what was skipped. */
    CompletableFuture<Void> scan(Path folder) {
        problem.setText(" ");
        busy(true);
        String n = name.getText().strip(), t = tag.getText().strip();
        TagPosition p = TagPosition.parse((String) position.getSelectedItem());
        boolean all = allInstrumental.isSelected();
        return CompletableFuture.supplyAsync(() -> DatasetScanner.scan(folder, n.isEmpty() ? folder.getFileName().toString() : n, t, p, all, true,
                        f -> SwingUtilities.invokeLater(() -> status.setText(I18n.t("dataset.reading") + " " + f.getFileName()))))
                .handle((scanned, error) -> onEdt(() -> {
                    busy(false);
                    if (error != null) {
                        problem.setText(cause(error).getMessage());
                        status.setText(" ");
                        return;
                    }
                    show(scanned.dataset());
                    String skipped = scanned.skipped().stream().map(k -> k.file().getFileName() + " (" + k.reason() + ")")
                            .reduce((a, b) -> a + "; " + b).orElse("");
                    status.setText(String.format(Locale.ROOT, I18n.t("dataset.found"), scanned.dataset().samples().size())
                            + (skipped.isEmpty() ? "" : " · " + I18n.t("dataset.skipped") + " " + skipped));
                }));
    }

    /** Lets the LM label every song not labelled yet (the command line's `dataset --label`), on a thread of its own. */
    CompletableFuture<Void> label() {
        Dataset d = dataset();
        if (d.samples().isEmpty()) {
            problem.setText(I18n.t("dataset.empty"));
            return CompletableFuture.completedFuture(null);
        }
        problem.setText(" ");
        busy(true);
        Path modelDir = settings.modelDir.isBlank() ? null : Path.of(settings.modelDir);
        int count = d.samples().size();
        return CompletableFuture.supplyAsync(() -> {
            try (RenderService service = new RenderService(1, GraphCache.defaultCache())) {
                int[] n = {0};
                return AutoLabel.label(service, modelDir, d, null, false, false, 42, s -> SwingUtilities.invokeLater(() ->
                        status.setText(String.format(Locale.ROOT, I18n.t("dataset.labelling"), ++n[0], count, s.filename()))));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }).handle((labelled, error) -> onEdt(() -> {
            busy(false);
            if (error != null) {
                problem.setText(I18n.t("dataset.label") + ": " + cause(error).getMessage());
                status.setText(" ");
            } else {
                model.set(labelled.samples());
                status.setText(I18n.t("dataset.labelled"));
            }
        }));
    }

    private static Throwable cause(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** Runs on the EDT and waits, so a caller's future completes after the panel shows the outcome. */
    private static Void onEdt(Runnable r) {
        try {
            SwingUtilities.invokeAndWait(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
        return null;
    }

    /** Writes the dataset JSON (nothing when there are no songs or no name); tells the training tab. */
    void save(Path file) {
        Dataset d = dataset();
        if (d.samples().isEmpty()) { problem.setText(I18n.t("dataset.empty")); return; }
        if (d.name().isEmpty()) { problem.setText(I18n.t("dataset.name") + " " + I18n.t("train.required")); return; }
        Path target = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? file : file.resolveSibling(file.getFileName() + ".json");
        try {
            DatasetJson.write(d, target);
        } catch (java.io.IOException | RuntimeException e) {
            problem.setText(target + ": " + e.getMessage());
            return;
        }
        problem.setText(" ");
        status.setText(I18n.t("dataset.saved") + " " + target);
        saved.accept(target);
    }

    private void busy(boolean busy) {
        for (JButton b : new JButton[]{scan, open, label, save}) b.setEnabled(!busy);
    }
}
