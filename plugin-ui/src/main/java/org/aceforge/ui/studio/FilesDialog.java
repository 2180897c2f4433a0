package org.aceforge.ui.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.ListSelectionModel;
import java.awt.BorderLayout;
import java.awt.FlowLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Every file the studio has rendered (the render folder, newest first) with what made it: time, length, mode and
 * caption from its JSON sidecar. Load one as the source, or reveal the folder. EDT only.
 */
final class FilesDialog extends JDialog {
    /** One rendered file and the line shown for it. */
    record Entry(Path audio, String line) {
        @Override
        public String toString() {
            return line;
        }
    }

    final JList<Entry> list;

    FilesDialog(StudioWindow w, Path folder) {
        super(w, I18n.t("files.title"), false);
        list = new JList<>(entries(folder).toArray(new Entry[0]));
        list.setName("files");
        list.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        list.setVisibleRowCount(16);
        JButton load = new JButton(I18n.t("files.load"));
        load.setName("filesLoad");
        load.addActionListener(e -> {
            Entry sel = list.getSelectedValue();
            if (sel != null) w.loadSource(sel.audio());
        });
        list.addMouseListener(new java.awt.event.MouseAdapter() {
            @Override
            public void mouseClicked(java.awt.event.MouseEvent e) {
                if (e.getClickCount() == 2) load.doClick();
            }
        });
        JButton close = new JButton(I18n.t("settings.cancel"));
        close.addActionListener(e -> dispose());
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        buttons.add(load);
        buttons.add(close);
        JPanel root = new JPanel(new BorderLayout(4, 4));
        root.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        root.add(new javax.swing.JLabel(folder.toString()), BorderLayout.NORTH);
        root.add(new JScrollPane(list), BorderLayout.CENTER);
        root.add(buttons, BorderLayout.SOUTH);
        setContentPane(root);
        setSize(820, 440);
        setLocationRelativeTo(w);
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
            String name = a.getFileName().toString();
            Path side = a.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".json");
            String what = "";
            try {
                if (Files.isRegularFile(side)) {
                    JsonNode j = json.readTree(side.toFile());
                    double d = j.path("duration").isNumber() ? j.path("duration").asDouble() : Double.NaN;
                    String caption = j.path("caption").asText("");
                    what = "  ·  " + j.path("task").asText("") + (Double.isNaN(d) ? "" : String.format(Locale.ROOT, "  ·  %.1f s", d))
                            + "  ·  seed " + j.path("seed").asText("?")
                            + (caption.isBlank() ? "" : "  ·  " + (caption.length() > 60 ? caption.substring(0, 60) + "…" : caption));
                }
            } catch (IOException e) {
                what = "  ·  " + I18n.t("files.noSidecar");
            }
            String time = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(
                    java.time.LocalDateTime.ofInstant(modified(a), java.time.ZoneId.systemDefault()));
            out.add(new Entry(a, time + "  " + name + what));
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
