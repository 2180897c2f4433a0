package org.aceforge.ui.studio;

import org.aceforge.engine.download.DownloadException;
import org.aceforge.engine.download.ModelCatalog;
import org.aceforge.engine.download.ModelDownloader;
import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.model.Inventory;
import org.aceforge.engine.model.ModelCheck;

import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.SwingUtilities;
import javax.swing.table.DefaultTableModel;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.awt.GridLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * "Models": what the checkpoints folder holds (size, precision, status) with a Check button, and "Get models": each
 * official model with what it is for and its size, the free disk space, and a download with progress, speed, time
 * left and Stop (a stopped download resumes where it left off). Work runs off the EDT; nothing is fetched unless the
 * user presses Download. EDT only.
 */
final class ModelsDialog extends JDialog {
    final Path folder;
    final DefaultTableModel table = new DefaultTableModel(new Object[]{"", "", "", "", ""}, 0) {
        @Override
        public boolean isCellEditable(int r, int c) {
            return false;
        }
    };
    final JTextArea report = new JTextArea(6, 70);
    final Map<ModelCatalog.Entry, JCheckBox> choices = new LinkedHashMap<>();
    final JLabel free = new JLabel(" ");
    final JProgressBar progress = new JProgressBar(0, 1000);
    final JButton download = new JButton(I18n.t("models.download")), stop = new JButton(I18n.t("models.stop")),
            check = new JButton(I18n.t("models.check"));
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Runnable onInstalled;

    /** {@code onInstalled}: told on the EDT when a download finished (the studio re-reads what is available). */
    ModelsDialog(java.awt.Window owner, StudioSettings settings, Runnable onInstalled) {
        super(owner, I18n.t("models.title"), ModalityType.MODELESS);
        this.onInstalled = onInstalled;
        this.folder = settings.modelDir.isBlank() ? ModelLocator.userModels() : Path.of(settings.modelDir);
        table.setColumnIdentifiers(new Object[]{I18n.t("models.kind"), I18n.t("models.name"), I18n.t("models.size"),
                I18n.t("models.precision"), I18n.t("models.status")});
        JTable t = new JTable(table);
        t.setName("inventory");
        t.setFillsViewportHeight(true);
        JScrollPane tableScroll = new JScrollPane(t);
        tableScroll.setPreferredSize(new java.awt.Dimension(760, 170));
        report.setEditable(false);
        report.setName("report");
        check.setName("check");
        check.addActionListener(e -> runCheck());

        JPanel have = new JPanel(new BorderLayout(4, 4));
        have.setBorder(BorderFactory.createTitledBorder(String.format(I18n.t("models.in"), folder)));
        have.add(tableScroll, BorderLayout.CENTER);
        JPanel checkRow = new JPanel(new FlowLayout(FlowLayout.LEFT));
        checkRow.add(check);
        have.add(checkRow, BorderLayout.SOUTH);

        JPanel get = new JPanel(new BorderLayout(4, 4));
        get.setBorder(BorderFactory.createTitledBorder(I18n.t("models.get")));
        JPanel list = new JPanel(new GridLayout(0, 1, 2, 2));
        for (ModelCatalog.Entry e : ModelCatalog.all()) {
            JCheckBox c = new JCheckBox(e.name() + "  (~" + ModelDownloader.size(e.approxBytes()) + ")  —  " + e.purpose(), e.name().equals("main"));
            c.setName("get-" + e.name());
            c.addActionListener(x -> updateFree());
            choices.put(e, c);
            list.add(c);
        }
        get.add(list, BorderLayout.CENTER);
        JPanel actions = new JPanel();
        actions.setLayout(new BoxLayout(actions, BoxLayout.Y_AXIS));
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.LEFT));
        download.setName("download");
        stop.setName("stop");
        stop.setEnabled(false);
        download.addActionListener(e -> startDownload());
        stop.addActionListener(e -> stopping.set(true));
        buttons.add(download);
        buttons.add(stop);
        buttons.add(free);
        progress.setStringPainted(true);
        progress.setString(I18n.t("models.idle"));
        actions.add(buttons);
        actions.add(progress);
        get.add(actions, BorderLayout.SOUTH);

        JPanel root = new JPanel(new BorderLayout(6, 6));
        root.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        root.add(have, BorderLayout.NORTH);
        root.add(get, BorderLayout.CENTER);
        root.add(new JScrollPane(report), BorderLayout.SOUTH);
        setContentPane(root);
        refresh();
        pack();
        setLocationRelativeTo(owner);
    }

    /** Re-reads the folder (headers only) into the table, and the free disk space. */
    void refresh() {
        table.setRowCount(0);
        if (Files.isDirectory(folder))
            for (Inventory.Component c : Inventory.of(folder))
                table.addRow(new Object[]{c.kind(), c.name(), c.bytes() > 0 ? ModelDownloader.size(c.bytes()) : "", c.precision(), c.status()});
        else table.addRow(new Object[]{"", "", "", "", I18n.t("models.none")});
        updateFree();
    }

    private void updateFree() {
        long want = 0;
        for (var e : choices.entrySet()) if (e.getValue().isSelected()) want += e.getKey().approxBytes();
        long avail = freeSpace();
        free.setText(String.format(I18n.t("models.free"), ModelDownloader.size(want), avail < 0 ? "?" : ModelDownloader.size(avail)));
        download.setEnabled(want > 0 && !stop.isEnabled());
    }

    private long freeSpace() {
        Path p = folder;
        while (p != null && !Files.exists(p)) p = p.getParent();
        try {
            return p == null ? -1 : Files.getFileStore(p).getUsableSpace();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    void runCheck() {
        check.setEnabled(false);
        report.setText(I18n.t("models.checking"));
        Thread t = new Thread(() -> {
            StringBuilder b = new StringBuilder();
            List<ModelCheck.Component> cs = Files.isDirectory(folder) ? ModelCheck.check(folder) : List.of();
            if (cs.isEmpty()) b.append(I18n.t("models.none"));
            for (ModelCheck.Component c : cs) {
                b.append(c.ok() ? "ok       " : "PROBLEM  ").append(c.name()).append('\n');
                for (ModelCheck.Problem p : c.problems()) b.append("  ").append(p.line()).append('\n');
            }
            SwingUtilities.invokeLater(() -> { report.setText(b.toString()); check.setEnabled(true); });
        }, "aceforge-model-check");
        t.setDaemon(true);
        t.start();
    }

    void startDownload() {
        List<ModelCatalog.Entry> entries = new ArrayList<>();
        for (var e : choices.entrySet()) if (e.getValue().isSelected()) entries.add(e.getKey());
        if (entries.isEmpty()) return;
        stopping.set(false);
        download.setEnabled(false);
        stop.setEnabled(true);
        report.setText("");
        long[] last = {0};
        Thread t = new Thread(() -> {
            String end;
            try {
                new ModelDownloader().download(entries, folder, new ModelDownloader.Listener() {
                    @Override
                    public void progress(ModelDownloader.Progress p) {
                        long now = System.nanoTime();
                        if (now - last[0] < 150_000_000L) return;
                        last[0] = now;
                        SwingUtilities.invokeLater(() -> {
                            progress.setValue(p.total() == 0 ? 0 : (int) (1000 * p.done() / p.total()));
                            progress.setString(String.format(I18n.t("models.progress"), p.file(), ModelDownloader.size(p.done()),
                                    ModelDownloader.size(p.total()), p.bytesPerSecond() / 1e6, ModelDownloader.eta(p.secondsLeft())));
                        });
                    }

                    @Override
                    public void message(String line) {
                        SwingUtilities.invokeLater(() -> report.append(line + "\n"));
                    }
                }, stopping::get);
                end = I18n.t("models.done");
            } catch (DownloadException e) {
                end = e.kind() == DownloadException.Kind.CANCELLED ? I18n.t("models.stopped") : e.getMessage();
            } catch (Exception e) {
                end = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            String message = end;
            SwingUtilities.invokeLater(() -> {
                report.append(message + "\n");
                progress.setString(message.length() > 90 ? message.substring(0, 90) + "…" : message);
                stop.setEnabled(false);
                refresh();
                onInstalled.run();
            });
        }, "aceforge-download");
        t.setDaemon(true);
        t.start();
    }
}
