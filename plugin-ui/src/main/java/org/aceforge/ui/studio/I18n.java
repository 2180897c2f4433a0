package org.aceforge.ui.studio;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/** UI text in English, Chinese and Japanese (resource bundles, UTF-8). EDT only. */
public final class I18n {
    private static ResourceBundle bundle = load(Locale.ENGLISH);

    private I18n() {}

    private static ResourceBundle load(Locale l) {
        return ResourceBundle.getBundle("org.aceforge.ui.studio.messages", l, I18n.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** "en", "zh" or "ja". */
    public static void use(String language) {
        bundle = load(Locale.forLanguageTag(language));
    }

    public static String language() {
        String l = bundle.getLocale().getLanguage();
        return l.isEmpty() ? "en" : l;
    }

    /**
     * Switches the language of a window that is already open: every label, button, tooltip and titled border whose
     * text is a message of the current language gets the same message in the new one. Texts built from a format
     * (progress, status) follow with their next update; dialogs opened later use the new language.
     */
    public static void retranslate(java.awt.Container root, String language) {
        java.util.Map<String, String> keyOf = new java.util.HashMap<>();
        for (String k : bundle.keySet()) keyOf.putIfAbsent(bundle.getString(k), k);
        use(language);
        walk(root, keyOf);
    }

    private static void walk(java.awt.Component c, java.util.Map<String, String> keyOf) {
        if (c instanceof javax.swing.JLabel l) l.setText(swap(l.getText(), keyOf));
        if (c instanceof javax.swing.AbstractButton b) b.setText(swap(b.getText(), keyOf));
        if (c instanceof javax.swing.JProgressBar p && p.isStringPainted()) p.setString(swap(p.getString(), keyOf));
        if (c instanceof javax.swing.JComponent j) {
            j.setToolTipText(swap(j.getToolTipText(), keyOf));
            if (j.getBorder() instanceof javax.swing.border.TitledBorder tb) tb.setTitle(swap(tb.getTitle(), keyOf));
        }
        if (c instanceof javax.swing.JFrame f) f.setTitle(swap(f.getTitle(), keyOf));
        if (c instanceof java.awt.Container k) for (java.awt.Component child : k.getComponents()) walk(child, keyOf);
        if (c instanceof javax.swing.JMenu m) for (java.awt.Component child : m.getMenuComponents()) walk(child, keyOf);
        if (c instanceof java.awt.Window w) { w.invalidate(); w.validate(); w.repaint(); }
    }

    private static String swap(String text, java.util.Map<String, String> keyOf) {
        if (text == null) return null;
        String key = keyOf.get(text);
        return key == null ? text : t(key);
    }

    public static String t(String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
    }
}
