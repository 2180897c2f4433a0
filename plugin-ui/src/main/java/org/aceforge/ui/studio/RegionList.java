package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;

import javax.swing.DefaultCellEditor;
import javax.swing.JComboBox;
import javax.swing.JTable;
import javax.swing.table.AbstractTableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The regions as a list: number, start and end (typed to the hundredth of a second), and each region's own mode and
 * caption (empty = as the form says). Edits of start/end move the region on the timeline; the row a render error is
 * about is selected and marked. EDT only.
 */
public final class RegionList extends JTable {
    private final Model model = new Model();
    private Consumer<List<Region>> onEdit = r -> { };

    public RegionList() {
        setModel(model);
        setName("regionList");
        setRowHeight(22);
        JComboBox<String> modes = new JComboBox<>();
        modes.addItem("");
        for (Mode m : RegionSpec.MODES) modes.addItem(m.key());
        ModePanel.named(modes, "mode.");
        getColumnModel().getColumn(3).setCellEditor(new DefaultCellEditor(modes));
        getColumnModel().getColumn(0).setMaxWidth(40);
        getColumnModel().getColumn(4).setPreferredWidth(360);
    }

    /** Told when a typed start or end changes the regions (the window moves them on the timeline). */
    public void onEdit(Consumer<List<Region>> l) { onEdit = l; }

    /** The timeline's regions; each keeps the mode and caption it had when its place is unchanged or moved a little. */
    public void setRegions(List<Region> regions) {
        List<RegionSpec> next = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            RegionSpec old = i < model.specs.size() ? model.specs.get(i) : null;
            next.add(old == null ? RegionSpec.of(r) : new RegionSpec(r, old.mode(), old.caption()));
        }
        model.specs = next;
        model.errorRow = -1;
        model.fireTableDataChanged();
        revalidate();
    }

    public List<RegionSpec> specs() { return List.copyOf(model.specs); }

    /** Sets a region's own mode (null = the form's) and caption (null = the form's). */
    public void setOwn(int row, Mode mode, String caption) {
        RegionSpec s = model.specs.get(row);
        model.specs.set(row, new RegionSpec(s.region(), mode, caption));
        model.fireTableRowsUpdated(row, row);
    }

    /** Marks and selects the row an error is about (-1: none). */
    public void markError(int row) {
        model.errorRow = row;
        if (row >= 0 && row < getRowCount()) setRowSelectionInterval(row, row);
        else clearSelection();
        repaint();
    }

    public int errorRow() { return model.errorRow; }

    @Override
    public java.awt.Component prepareRenderer(javax.swing.table.TableCellRenderer r, int row, int column) {
        java.awt.Component c = super.prepareRenderer(r, row, column);
        if (row == model.errorRow && !isRowSelected(row)) c.setBackground(new java.awt.Color(120, 40, 40));
        else if (!isRowSelected(row)) c.setBackground(getBackground());
        return c;
    }

    @Override
    public java.awt.Dimension getPreferredScrollableViewportSize() {
        return new java.awt.Dimension(400, Math.min(4, Math.max(1, getRowCount())) * getRowHeight());
    }

    private final class Model extends AbstractTableModel {
        List<RegionSpec> specs = new ArrayList<>();
        int errorRow = -1;
        final String[] keys = {"regions.number", "region.start", "region.end", "regions.mode", "regions.caption"};

        @Override public int getRowCount() { return specs.size(); }
        @Override public int getColumnCount() { return keys.length; }
        @Override public String getColumnName(int c) { return I18n.t(keys[c]); }

        @Override
        public Class<?> getColumnClass(int c) {
            return c == 0 ? Integer.class : c <= 2 ? Double.class : String.class;
        }

        @Override public boolean isCellEditable(int r, int c) { return c > 0; }

        @Override
        public Object getValueAt(int r, int c) {
            RegionSpec s = specs.get(r);
            return switch (c) {
                case 0 -> r + 1;
                case 1 -> Math.round(s.region().start() * 100) / 100.0;
                case 2 -> Math.round(s.region().end() * 100) / 100.0;
                case 3 -> s.mode() == null ? "" : s.mode().key();
                default -> s.caption() == null ? "" : s.caption();
            };
        }

        @Override
        public void setValueAt(Object v, int r, int c) {
            RegionSpec s = specs.get(r);
            switch (c) {
                case 1, 2 -> {
                    double t = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
                    double start = c == 1 ? t : s.region().start(), end = c == 2 ? t : s.region().end();
                    if (!(end > start) || start < 0) return;             // not a region: the edit is refused
                    specs.set(r, new RegionSpec(Region.between(start, end), s.mode(), s.caption()));
                    List<Region> all = new ArrayList<>();
                    for (RegionSpec x : specs) all.add(x.region());
                    onEdit.accept(all);
                }
                case 3 -> {
                    String k = String.valueOf(v);
                    Mode m = null;
                    for (Mode x : RegionSpec.MODES) if (x.key().equals(k)) m = x;
                    specs.set(r, new RegionSpec(s.region(), m, s.caption()));
                }
                default -> specs.set(r, new RegionSpec(s.region(), s.mode(), String.valueOf(v)));
            }
            fireTableRowsUpdated(r, r);
        }
    }
}
