package org.aceforge.ui.studio;

import java.awt.Component;
import java.awt.Container;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Insets;

/**
 * A FlowLayout whose preferred height counts the rows it wraps into at the container's width. Swing's FlowLayout
 * wraps too, but asks for one row's height, so a row that no longer fits (a longer language, a narrower window) had
 * its last components placed out of sight. Written here because Swing has no wrapping flow layout.
 */
public final class WrapLayout extends FlowLayout {
    public WrapLayout(int align, int hgap, int vgap) {
        super(align, hgap, vgap);
    }

    @Override
    public Dimension preferredLayoutSize(Container target) {
        return size(target, true);
    }

    @Override
    public Dimension minimumLayoutSize(Container target) {
        Dimension d = size(target, false);
        d.width -= getHgap() + 1;
        return d;
    }

    private Dimension size(Container target, boolean preferred) {
        synchronized (target.getTreeLock()) {
            int width = target.getSize().width;
            Container c = target;
            while (width == 0 && c.getParent() != null) {          // not laid out yet: the nearest sized ancestor
                c = c.getParent();
                width = c.getSize().width;
            }
            if (width == 0) width = Integer.MAX_VALUE;
            Insets in = target.getInsets();
            int max = width - in.left - in.right - 2 * getHgap();
            int rowWidth = 0, rowHeight = 0, totalWidth = 0, totalHeight = 0;
            for (Component k : target.getComponents()) {
                if (!k.isVisible()) continue;
                Dimension d = preferred ? k.getPreferredSize() : k.getMinimumSize();
                if (rowWidth > 0 && rowWidth + getHgap() + d.width > max) {
                    totalWidth = Math.max(totalWidth, rowWidth);
                    totalHeight += rowHeight + getVgap();
                    rowWidth = 0;
                    rowHeight = 0;
                }
                rowWidth += (rowWidth > 0 ? getHgap() : 0) + d.width;
                rowHeight = Math.max(rowHeight, d.height);
            }
            totalWidth = Math.max(totalWidth, rowWidth);
            totalHeight += rowHeight;
            return new Dimension(totalWidth + in.left + in.right + 2 * getHgap(), totalHeight + in.top + in.bottom + 2 * getVgap());
        }
    }
}
