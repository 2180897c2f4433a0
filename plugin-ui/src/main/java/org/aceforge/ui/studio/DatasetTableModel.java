package org.aceforge.ui.studio;

import org.aceforge.engine.train.DatasetSample;

import javax.swing.table.AbstractTableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A training dataset's songs as an editable table: the file (read-only), caption, lyrics, BPM, key, time signature,
 * language and the instrumental flag. A value the dataset JSON would refuse (a BPM that is no whole number from 30 to
 * 300, a time signature other than 2, 3, 4 or 6) is not taken: the problem listener hears a one-line message naming
 * the column, and the cell keeps its value. An edited caption counts as a label (the auto-labeller leaves it). EDT only.
 */
final class DatasetTableModel extends AbstractTableModel {
    static final int FILE = 0, CAPTION = 1, LYRICS = 2, BPM = 3, KEY = 4, TIME_SIGNATURE = 5, LANGUAGE = 6, INSTRUMENTAL = 7, LABELED = 8;
    private static final String[] KEYS = {"dataset.file", "dataset.caption", "dataset.lyrics", "dataset.bpm", "dataset.key",
            "dataset.timeSignature", "dataset.language", "dataset.instrumental", "dataset.labeled"};
    private static final Set<String> TIME_SIGNATURES = Set.of("2", "3", "4", "6");

    private final List<DatasetSample> rows = new ArrayList<>();
    private Consumer<String> problems = p -> { };

    void onProblem(Consumer<String> listener) {
        this.problems = listener;
    }

    void set(List<DatasetSample> samples) {
        rows.clear();
        rows.addAll(samples);
        fireTableDataChanged();
    }

    List<DatasetSample> samples() {
        return List.copyOf(rows);
    }

    @Override
    public int getRowCount() {
        return rows.size();
    }

    @Override
    public int getColumnCount() {
        return KEYS.length;
    }

    @Override
    public String getColumnName(int column) {
        return I18n.t(KEYS[column]);
    }

    @Override
    public Class<?> getColumnClass(int column) {
        return column == INSTRUMENTAL || column == LABELED ? Boolean.class : String.class;
    }

    @Override
    public boolean isCellEditable(int row, int column) {
        return column != FILE && column != LABELED;
    }

    @Override
    public Object getValueAt(int row, int column) {
        DatasetSample s = rows.get(row);
        return switch (column) {
            case FILE -> s.filename();
            case CAPTION -> s.caption();
            case LYRICS -> s.lyrics();
            case BPM -> s.bpm() == null ? "" : s.bpm().toString();
            case KEY -> s.keyscale();
            case TIME_SIGNATURE -> s.timesignature();
            case LANGUAGE -> s.language();
            case INSTRUMENTAL -> s.instrumental();
            case LABELED -> s.labeled();
            default -> null;
        };
    }

    @Override
    public void setValueAt(Object value, int row, int column) {
        DatasetSample s = rows.get(row);
        String text = value instanceof String v ? v.strip() : null;
        String blankless = text == null || text.isEmpty() ? null : text;
        Integer bpm = s.bpm();
        String ts = s.timesignature();
        if (column == BPM) {
            if (blankless == null) bpm = null;
            else {
                try {
                    bpm = Integer.valueOf(blankless);
                } catch (NumberFormatException e) {
                    bpm = -1;
                }
                if (bpm < 30 || bpm > 300) {
                    problems.accept(I18n.t("dataset.bpm") + ": '" + blankless + "' " + I18n.t("dataset.badBpm"));
                    return;
                }
            }
        }
        if (column == TIME_SIGNATURE) {
            String beats = blankless == null ? null : blankless.split("/")[0].strip();
            if (beats != null && !TIME_SIGNATURES.contains(beats)) {
                problems.accept(I18n.t("dataset.timeSignature") + ": '" + blankless + "' " + I18n.t("dataset.badTimeSignature"));
                return;
            }
            ts = beats;
        }
        problems.accept(" ");
        rows.set(row, new DatasetSample(s.id(), s.audioPath(), s.filename(),
                column == CAPTION ? (text == null ? "" : text) : s.caption(), s.genre(),
                column == LYRICS ? (value == null ? "" : value.toString()) : s.lyrics(),
                bpm, column == KEY ? blankless : s.keyscale(), ts, s.duration(), column == LANGUAGE ? blankless : s.language(),
                column == INSTRUMENTAL ? Boolean.TRUE.equals(value) : s.instrumental(),
                s.labeled() || column == CAPTION && text != null && !text.isEmpty()));
        fireTableRowsUpdated(row, row);
    }
}
