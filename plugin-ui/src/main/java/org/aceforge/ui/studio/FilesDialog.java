package org.aceforge.ui.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.RowFilter;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.table.AbstractTableModel;
import javax.swing.table.TableRowSorter;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every file the studio has rendered (the render folder) as a table — name, mode, caption, length, date, score — read
 * from the JSON sidecars, newest first, sortable by any column and searchable by name or caption. A file can be
 * opened as a take in the timeline (over the region it was made for) or loaded as the source. EDT only.
 */
final class FilesDialog extends JDialog {
    /** One rendered file and what its sidecar says (null where it says nothing). */
    record Entry(Path audio, String mode, String caption, Double seconds, LocalDateTime date, Double score,
                 Double regionStart, Double regionEnd) {}

    final JTable table;
    final JTextField search = new JTextField(24);
    final List<Entry> entries;
    private final TableRowSorter<Model> sorter;

    FilesDialog(StudioWindow w, Path folder) {
        super(w, I18n.t("files.title"), false);
        entries = entries(folder);
        Model model = new Model(entries);
        table = new JTable(model);
        table.setName("files");
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.setAutoCreateRowSorter(false);
        sorter = new TableRowSorter<>(model);
        sorter.setComparator(3, Comparator.nullsFirst(Comparator.<Double>naturalOrder()));
        sorter.setComparator(5, Comparator.nullsFirst(Comparator.<Double>naturalOrder()));
        table.setRowSorter(sorter);
        table.getColumnModel().getColumn(0).setPreferredWidth(300);
        table.getColumnModel().getColumn(2).setPreferredWidth(260);
        search.setName("filesSearch");
        search.getDocument().addDocumentListener(new DocumentListener() {
            public void insertUpdate(DocumentEvent e) { filter(); }
            public void removeUpdate(DocumentEvent e) { filter(); }
            public void changedUpdate(DocumentEvent e) { filter(); }
        });
        JButton take = new JButton(I18n.t("files.openTake")), load = new JButton(I18n.t("files.load"));
        take.setName("filesTake");
        load.setName("filesLoad");
        take.addActionListener(e -> { Entry sel = selected(); if (sel != null) w.openAsTake(sel.audio(), sel.regionStart(), sel.regionEnd()); });
        load.addActionListener(e -> { Entry sel = selected(); if (sel != null) w.loadSource(sel.audio()); });
        table.addMouseListener(new java.awt.event.MouseAdapter() {
            @Override
            public void mouseClicked(java.awt.event.MouseEvent e) {
                if (e.getClickCount() == 2) take.doClick();
            }
        });
        JButton close = new JButton(I18n.t("files.close"));
        close.addActionListener(e -> dispose());
        JPanel top = new JPanel(new BorderLayout(6, 0));
        top.add(new JLabel(folder.toString()), BorderLayout.CENTER);
        JPanel find = new JPanel(new FlowLayout(FlowLayout.RIGHT, 4, 0));
        find.add(new JLabel(I18n.t("files.search")));
        find.add(search);
        top.add(find, BorderLayout.EAST);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        buttons.add(take);
        buttons.add(load);
        buttons.add(close);
        JPanel root = new JPanel(new BorderLayout(4, 4));
        root.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        root.add(top, BorderLayout.NORTH);
        root.add(new JScrollPane(table), BorderLayout.CENTER);
        root.add(buttons, BorderLayout.SOUTH);
        setContentPane(root);
        setSize(980, 480);
        setLocationRelativeTo(w);
    }

    /** The entry of the selected row, or null. */
    Entry selected() {
        int row = table.getSelectedRow();
        return row < 0 ? null : entries.get(table.convertRowIndexToModel(row));
    }

    /** Rows whose name or caption contain the search text (any case). */
    void filter() {
        String q = search.getText().strip();
        sorter.setRowFilter(q.isEmpty() ? null : RowFilter.regexFilter("(?iu)" + Pattern.quote(q), 0, 2));
    }

    /** The table's columns over the entries. */
    static final class Model extends AbstractTableModel {
        static final String[] KEYS = {"files.name", "files.mode", "files.caption", "files.length", "files.date", "files.score"};
        private final List<Entry> rows;

        Model(List<Entry> rows) { this.rows = rows; }

        @Override public int getRowCount() { return rows.size(); }
        @Override public int getColumnCount() { return KEYS.length; }
        @Override public String getColumnName(int c) { return I18n.t(KEYS[c]); }

        @Override
        public Class<?> getColumnClass(int c) {
            return c == 3 || c == 5 ? Double.class : c == 4 ? LocalDateTime.class : String.class;
        }

        @Override
        public Object getValueAt(int r, int c) {
            Entry e = rows.get(r);
            return switch (c) {
                case 0 -> e.audio().getFileName().toString();
                case 1 -> e.mode();
                case 2 -> e.caption();
                case 3 -> e.seconds();
                case 4 -> e.date();
                default -> e.score();
            };
        }
    }

    /** Audio files in the folder, newest first, each described from its sidecar when there is one. */
    static List<Entry> entries(Path folder) {
        List<Path> audio = new ArrayList<>();
        try (var s = Files.list(folder)) {
            s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(wav|flac|mp3)$")).forEach(audio::add);
        } catch (IOException e) {
            return List.of();
        }
        audio.sort(Comparator.comparing(FilesDialog::modified).reversed());
        ObjectMapper json = new ObjectMapper();
        List<Entry> out = new ArrayList<>();
        for (Path a : audio) {
            LocalDateTime date = LocalDateTime.ofInstant(modified(a), ZoneId.systemDefault()).withNano(0);
            Path side = org.aceforge.engine.jobs.RenderRequest.besideAudio(a, ".json");
            String mode = "", caption = "";
            Double seconds = null, score = null, start = null, end = null;
            try {
                if (Files.isRegularFile(side)) {
                    JsonNode j = json.readTree(side.toFile());
                    mode = j.path("task").asText("");
                    caption = j.path("caption").asText("");
                    if (j.path("duration").isNumber()) seconds = j.path("duration").asDouble();
                    if (j.path("score").path("total").isNumber()) score = j.path("score").path("total").asDouble();
                    JsonNode first = j.path("edit").path("ranges_rendered").path(0);
                    if (first.isArray() && first.size() == 2) { start = first.get(0).asDouble(); end = first.get(1).asDouble(); }
                } else {
                    mode = I18n.t("files.noSidecar");
                }
            } catch (IOException e) {
                mode = I18n.t("files.noSidecar");
            }
            out.add(new Entry(a, mode, caption, seconds, date, score, start, end));
        }
        return out;
    }

    private static java.time.Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return java.time.Instant.EPOCH;
        }
    }
}
