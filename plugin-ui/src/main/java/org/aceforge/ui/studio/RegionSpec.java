package org.aceforge.ui.studio;

import org.aceforge.engine.timeline.Region;

/**
 * A region of the timeline with what it asks for: its own mode (Repaint or Lego; null = the form's mode) and its own
 * caption (null = the form's caption). Regions that ask for the same thing render together. No Swing.
 */
public record RegionSpec(Region region, Mode mode, String caption) {
    /** The modes a region can carry: those that edit inside a region. */
    public static final Mode[] MODES = {Mode.REPAINT, Mode.LEGO};

    public static RegionSpec of(Region r) {
        return new RegionSpec(r, null, null);
    }

    /** Whether it asks for anything the form does not say. */
    public boolean hasOwn() {
        return mode != null || caption != null && !caption.isBlank();
    }

    /** The mode it renders in, given the form's. */
    public Mode modeOr(Mode form) {
        return mode != null ? mode : form;
    }

    /** The caption it renders with, or null for the form's. */
    public String captionOrNull() {
        return caption == null || caption.isBlank() ? null : caption;
    }
}
