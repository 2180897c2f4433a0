package org.aceforge.ui.studio;

import javax.swing.UIManager;
import javax.swing.text.StyleContext;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.InputStream;

/**
 * Chinese and Japanese never render as boxes: when no font of the platform can show them, the bundled Droid Sans
 * Fallback (Apache-2.0, resources/org/aceforge/ui/fonts) becomes the first font of Swing's default font, with the
 * platform's fonts behind it for every other script. Why by hand: Java has no public API to add a fallback font to
 * its logical fonts; {@link StyleContext#getFont} is the public way to get a physical font with the platform's
 * fallbacks behind it. Call once after the look and feel is set, before windows open. EDT (or before the UI exists).
 */
public final class StudioFonts {
    /** Text that must be shown: Chinese, Japanese kana and kanji. */
    static final String CJK = "中文频谱图日本語スペクトログラムかな";
    static final String RESOURCE = "/org/aceforge/ui/fonts/DroidSansFallbackFull.ttf";

    private StudioFonts() {}

    /** Whether the default UI font can show Chinese and Japanese. */
    public static boolean defaultShowsCjk() {
        Font f = UIManager.getFont("defaultFont");
        if (f == null) f = UIManager.getFont("Label.font");
        if (f == null) f = new Font(Font.DIALOG, Font.PLAIN, 13);
        return f.canDisplayUpTo(CJK) == -1;
    }

    /**
     * Makes the default UI font show Chinese and Japanese (no change when it already can). Returns whether the
     * bundled font was put in, for the log and the tests.
     */
    public static boolean ensureCjk() {
        if (defaultShowsCjk()) return false;
        Font base = UIManager.getFont("defaultFont");
        if (base == null) base = UIManager.getFont("Label.font");
        int size = base == null ? 13 : base.getSize();
        try (InputStream in = StudioFonts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return false;
            Font cjk = Font.createFont(Font.TRUETYPE_FONT, in);
            GraphicsEnvironment.getLocalGraphicsEnvironment().registerFont(cjk);
            // The physical CJK font first, the platform's fonts (Latin and the rest) as its fallbacks.
            Font composite = StyleContext.getDefaultStyleContext().getFont(cjk.getFamily(), Font.PLAIN, size);
            UIManager.put("defaultFont", new javax.swing.plaf.FontUIResource(composite));
            return true;
        } catch (IOException | FontFormatException e) {
            return false;
        }
    }
}
