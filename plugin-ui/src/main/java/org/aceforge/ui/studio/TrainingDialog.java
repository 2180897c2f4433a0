package org.aceforge.ui.studio;

import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.train.TrainingOptions;
import org.aceforge.engine.train.TrainingRun;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSpinner;
import javax.swing.JTextArea;
import javax.swing.JTextField;
import javax.swing.SpinnerNumberModel;
import javax.swing.SwingUtilities;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Train a LoRA from the studio. The Dataset tab builds and edits the dataset ({@link DatasetPanel}); the Train tab
 * takes a dataset (JSON or folder), where the adapter goes, rank, alpha, learning rate and epochs; Start and Stop;
 * the run's log and a live loss plot. The run is the command line's ({@link TrainingRun}) on a
 * thread of its own; Stop leaves a resumable checkpoint. A bad value is named under the fields and nothing starts.
 * EDT only.
 */
final class TrainingDialog extends JDialog {
    final JTextField dataset = new JTextField(28), out = new JTextField(28);
    final JSpinner rank = new JSpinner(new SpinnerNumberModel(64, 1, 1024, 1)), alpha = new JSpinner(new SpinnerNumberModel(128.0, 0.5, 4096.0, 1.0));
    final JSpinner lr = new JSpinner(new SpinnerNumberModel(1e-4, 1e-7, 1.0, 1e-5)), epochs = new JSpinner(new SpinnerNumberModel(500, 1, 100_000, 1));
    final JButton start = new JButton(I18n.t("train.start")), stop = new JButton(I18n.t("train.stop"));
    final JTextArea log = new JTextArea(8, 60);
    final JLabel problem = new JLabel(" "), status = new JLabel(" ");
    final LossPlot plot = new LossPlot();
    private final StudioSettings settings;
    final javax.swing.JTabbedPane tabs = new javax.swing.JTabbedPane();
    /** The dataset builder; a saved dataset becomes the one to train on. */
    final DatasetPanel datasetPanel;
    private volatile TrainingRun run;
    private Thread worker;

    TrainingDialog(StudioWindow w) {
        super(w, I18n.t("train.title"), false);
        this.settings = w.settings;
        this.datasetPanel = new DatasetPanel(w.settings, file -> dataset.setText(file.toString()));
        dataset.setName("trainDataset");
        out.setName("trainOut");
        rank.setName("trainRank");
        alpha.setName("trainAlpha");
        lr.setName("trainLr");
        lr.setEditor(new JSpinner.NumberEditor(lr, "0.######"));
        epochs.setName("trainEpochs");
        start.setName("trainStart");
        stop.setName("trainStop");
        log.setName("trainLog");
        log.setEditable(false);
        problem.setName("trainProblem");
        problem.setForeground(new java.awt.Color(0xE0, 0x50, 0x50));
        status.setName("trainStatus");
        out.setText(Path.of(System.getProperty("user.home"), "AceForge", "loras", "my-style").toString());
        stop.setEnabled(false);

        JPanel form = new JPanel(new GridLayout(0, 2, 6, 4));
        form.setBorder(BorderFactory.createEmptyBorder(10, 10, 4, 10));
        form.add(new JLabel(I18n.t("train.dataset")));
        form.add(withBrowse(dataset, true));
        form.add(new JLabel(I18n.t("train.out")));
        form.add(withBrowse(out, false));
        form.add(new JLabel(I18n.t("train.rank")));
        form.add(rank);
        form.add(new JLabel(I18n.t("train.alpha")));
        form.add(alpha);
        form.add(new JLabel(I18n.t("train.lr")));
        form.add(lr);
        form.add(new JLabel(I18n.t("train.epochs")));
        form.add(epochs);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT));
        buttons.add(start);
        buttons.add(stop);
        buttons.add(status);
        JPanel north = new JPanel(new BorderLayout());
        north.add(form, BorderLayout.CENTER);
        JPanel south = new JPanel(new BorderLayout());
        south.add(problem, BorderLayout.NORTH);
        south.add(buttons, BorderLayout.SOUTH);
        north.add(south, BorderLayout.SOUTH);
        JPanel train = new JPanel(new BorderLayout());
        train.add(north, BorderLayout.NORTH);
        train.add(plot, BorderLayout.CENTER);
        train.add(new JScrollPane(log), BorderLayout.SOUTH);
        tabs.setName("trainTabs");
        tabs.addTab(I18n.t("dataset.tab"), datasetPanel);
        tabs.addTab(I18n.t("train.tab"), train);
        tabs.setSelectedIndex(1);
        getContentPane().add(tabs, BorderLayout.CENTER);
        start.addActionListener(e -> start());
        stop.addActionListener(e -> { TrainingRun r = run; if (r != null) { r.stop(); stop.setEnabled(false); status.setText(I18n.t("train.stopping")); } });
        pack();
        setLocationRelativeTo(w);
    }

    private JPanel withBrowse(JTextField field, boolean filesToo) {
        JButton browse = new JButton("…");
        browse.addActionListener(e -> {
            JFileChooser fc = new JFileChooser();
            fc.setFileSelectionMode(filesToo ? JFileChooser.FILES_AND_DIRECTORIES : JFileChooser.DIRECTORIES_ONLY);
            if (fc.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) field.setText(fc.getSelectedFile().getPath());
        });
        JPanel row = new JPanel(new BorderLayout());
        row.add(field, BorderLayout.CENTER);
        row.add(browse, BorderLayout.EAST);
        return row;
    }

    /** EDT. Checks the fields and starts the run on its own thread. */
    void start() {
        problem.setText(" ");
        if (dataset.getText().isBlank()) { problem.setText(I18n.t("train.dataset") + ": " + I18n.t("train.required")); return; }
        if (out.getText().isBlank()) { problem.setText(I18n.t("train.out") + ": " + I18n.t("train.required")); return; }
        int r = (Integer) rank.getValue();
        double a = (Double) alpha.getValue();
        TrainingOptions o = new TrainingOptions(r, a, (Double) lr.getValue(), 0.01, 100, 1.0, 1, 3.0, 42);
        ModelPack.Variant v = ModelPack.Variant.find(settings.variant);
        TrainingRun.Settings s = new TrainingRun.Settings(Path.of(dataset.getText().strip()), Path.of(out.getText().strip()), o, 0.1,
                (Integer) epochs.getValue(), 200, v == null ? ModelPack.Variant.TURBO : v,
                settings.modelDir.isBlank() ? null : Path.of(settings.modelDir), null, org.aceforge.engine.train.ActivationPolicy.AUTO);
        plot.clear();
        log.setText("");
        TrainingRun next = new TrainingRun(s, new TrainingRun.Listener() {
            public void log(String line) { SwingUtilities.invokeLater(() -> log.append(line + "\n")); }

            public void step(long seen, long total, double loss, double left) {
                SwingUtilities.invokeLater(() -> {
                    plot.add(loss);
                    status.setText(String.format(Locale.ROOT, I18n.t("train.progress"), seen, total, loss, TrainingRun.duration(left)));
                });
            }

            public void epoch(int epoch, double meanLoss) {
                log(String.format(Locale.ROOT, "epoch %d loss %.4f", epoch, meanLoss));
            }
        });
        run = next;
        start.setEnabled(false);
        stop.setEnabled(true);
        status.setText(I18n.t("train.preparing"));
        worker = new Thread(() -> {
            String end;
            boolean bad = false;
            try {
                end = next.run() == TrainingRun.Outcome.STOPPED ? I18n.t("train.stopped") : I18n.t("train.finished");
            } catch (IllegalArgumentException e) {
                end = studioWords(StudioFieldNames.message(e));
                bad = true;
            } catch (Exception e) {
                Throwable c = e.getCause() != null && e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                end = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().lines().findFirst().orElse("");
                bad = true;
            }
            String said = end;
            boolean failed = bad;
            SwingUtilities.invokeLater(() -> {
                run = null;
                start.setEnabled(true);
                stop.setEnabled(false);
                if (failed) { problem.setText(said); status.setText(" "); } else status.setText(said);
            });
        }, "aceforge-train");
        worker.setDaemon(true);
        worker.start();
    }

    /** A run's refusal in this dialog's words: its field labels instead of the command line's options. */
    static String studioWords(String m) {
        return m.replace("--dataset", I18n.t("train.dataset")).replace("--out", I18n.t("train.out")).replace("--rank", I18n.t("train.rank"))
                .replace("--alpha", I18n.t("train.alpha")).replace("--lr", I18n.t("train.lr")).replace("--epochs", I18n.t("train.epochs"));
    }

    /** The run's thread, while one runs (tests wait on it). */
    Thread worker() { return worker; }

    @Override
    public void dispose() {
        TrainingRun r = run;
        if (r != null) r.stop();   // closing the window stops the run with a checkpoint
        super.dispose();
    }
}
