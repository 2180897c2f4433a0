package org.aceforge.ui.studio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.swing.BorderFactory;
import javax.swing.JDialog;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTabbedPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.table.DefaultTableModel;
import java.awt.BorderLayout;
import java.awt.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A result's details, readable: a summary of what was made and how (caption, lyrics, mode, length, seed, sampler,
 * model, the time each stage took), every recorded value as a two-column list, and the JSON sidecar itself for
 * copying — in a window of bounded size whose parts scroll, never raw JSON spilling out of the screen. EDT only.
 */
final class DetailsDialog extends JDialog {
    /** The summary's rows: sidecar path → message key of its label. */
    static final Map<String, String> SUMMARY = summary();
    final JTable summaryTable, allTable;

    DetailsDialog(Window owner, Path audio, Path sidecar) throws IOException {
        super(owner, audio.getFileName().toString(), ModalityType.MODELESS);
        String text = Files.readString(sidecar);
        JsonNode root = new ObjectMapper().readTree(text);
        summaryTable = table(summaryRows(root));
        summaryTable.setName("detailsSummary");
        allTable = table(leaves(root));
        allTable.setName("detailsAll");
        JTextArea json = new JTextArea(text);
        json.setEditable(false);
        json.setName("detailsJson");
        JTabbedPane tabs = new JTabbedPane();
        tabs.addTab(I18n.t("details.summary"), new JScrollPane(summaryTable));
        tabs.addTab(I18n.t("details.all"), new JScrollPane(allTable));
        tabs.addTab("JSON", new JScrollPane(json));
        JPanel root2 = new JPanel(new BorderLayout());
        root2.setBorder(BorderFactory.createEmptyBorder(6, 6, 6, 6));
        root2.add(tabs, BorderLayout.CENTER);
        setContentPane(root2);
        setSize(720, 520);
        setLocationRelativeTo(owner);
    }

    private static JTable table(List<String[]> rows) {
        DefaultTableModel m = new DefaultTableModel(new Object[]{I18n.t("details.field"), I18n.t("details.value")}, 0) {
            @Override public boolean isCellEditable(int r, int c) { return false; }
        };
        for (String[] r : rows) m.addRow(r);
        JTable t = new JTable(m);
        t.getColumnModel().getColumn(0).setPreferredWidth(200);
        t.getColumnModel().getColumn(1).setPreferredWidth(480);
        return t;
    }

    private static Map<String, String> summary() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("task", "details.task");
        m.put("caption", "field.caption");
        m.put("lyrics", "field.lyrics");
        m.put("instrumental", "field.instrumental");
        m.put("language", "field.language");
        m.put("bpm", "field.bpm");
        m.put("key", "field.key");
        m.put("timesig", "field.timesig");
        m.put("duration", "field.duration");
        m.put("seed", "details.seed");
        m.put("edit.ranges_rendered", "details.regions");
        m.put("edit.track", "field.track");
        m.put("edit.tracks", "field.tracks");
        m.put("edit.strength", "field.strength");
        m.put("dit.sampler", "details.sampler");
        m.put("dit.steps", "field.steps");
        m.put("dit.shift", "field.shift");
        m.put("dit.method", "field.method");
        m.put("dit.guidance", "field.guidance");
        m.put("model.variant", "details.model");
        m.put("score.total", "details.score");
        m.put("audio", "details.file");
        return m;
    }

    /** The summary: the rows that are present, with the studio's labels; then each stage's time. */
    static List<String[]> summaryRows(JsonNode root) {
        List<String[]> out = new ArrayList<>();
        SUMMARY.forEach((path, key) -> {
            JsonNode n = at(root, path);
            if (n != null && !n.isMissingNode() && !n.isNull() && !(n.isTextual() && n.asText().isBlank()))
                out.add(new String[]{I18n.t(key), text(n)});
        });
        // timing: {"encode": {"seconds": …}, "diffusion": {…}, …}
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("timing").fields(); it.hasNext(); ) {
            var t = it.next();
            if (t.getValue().path("seconds").isNumber())
                out.add(new String[]{I18n.t("details.time") + " · " + t.getKey(),
                        String.format(java.util.Locale.ROOT, "%.2f s", t.getValue().path("seconds").asDouble())});
        }
        return out;
    }

    /** Every scalar value with its path ("dit · steps"), arrays of scalars on one line. */
    static List<String[]> leaves(JsonNode root) {
        List<String[]> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(JsonNode n, String path, List<String[]> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                walk(e.getValue(), path.isEmpty() ? e.getKey() : path + " · " + e.getKey(), out);
            }
        } else if (n.isArray() && n.size() > 0 && (n.get(0).isObject() || n.get(0).isArray() && n.get(0).size() > 2)) {
            for (int i = 0; i < n.size(); i++) walk(n.get(i), path + " · " + (i + 1), out);
        } else {
            out.add(new String[]{path, text(n)});
        }
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String p : path.split("\\.")) n = n.path(p);
        return n;
    }

    /** A value as a person reads it: text as is, numbers plain, arrays joined ("1.0–2.0" pairs for ranges). */
    static String text(JsonNode n) {
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode x : n)
                parts.add(x.isArray() && x.size() == 2 ? text(x.get(0)) + "–" + text(x.get(1)) : text(x));
            return String.join(", ", parts);
        }
        if (n.isObject()) return n.toString();
        return n.asText();
    }
}
