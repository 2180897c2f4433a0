package org.aceforge.ui.studio;

import javax.swing.AbstractButton;
import javax.swing.JComboBox;
import javax.swing.JSpinner;
import javax.swing.undo.AbstractUndoableEdit;
import javax.swing.undo.UndoManager;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Makes spinner, combo box and check box changes undoable in the window's undo history (text fields record their
 * own edits), so Ctrl+Z walks back parameter changes as well as region and text edits. EDT only.
 */
final class ValueEdits {
    private final UndoManager undo;
    private final Map<Object, Object> last = new HashMap<>();
    private boolean replaying;

    ValueEdits(UndoManager undo) {
        this.undo = undo;
    }

    void track(JSpinner s) {
        last.put(s, s.getValue());
        s.addChangeListener(e -> changed(s, s::getValue, s::setValue));
    }

    void track(JComboBox<?> c) {
        last.put(c, c.getSelectedItem());
        c.addActionListener(e -> changed(c, c::getSelectedItem, c::setSelectedItem));
    }

    void track(AbstractButton b) {
        last.put(b, b.isSelected());
        b.addItemListener(e -> changed(b, b::isSelected, v -> b.setSelected((Boolean) v)));
    }

    private void changed(Object c, Supplier<Object> get, Consumer<Object> set) {
        Object before = last.get(c), now = get.get();
        last.put(c, now);
        if (replaying || java.util.Objects.equals(before, now)) return;
        undo.addEdit(new AbstractUndoableEdit() {
            @Override
            public void undo() {
                super.undo();
                replay(() -> set.accept(before));
            }

            @Override
            public void redo() {
                super.redo();
                replay(() -> set.accept(now));
            }

            @Override
            public String getPresentationName() {
                return "value";
            }
        });
    }

    /** Runs programmatic changes without recording them (values are still followed). */
    void quietly(Runnable r) {
        replay(r);
    }

    private void replay(Runnable r) {
        replaying = true;
        try {
            r.run();
        } finally {
            replaying = false;
        }
    }
}
