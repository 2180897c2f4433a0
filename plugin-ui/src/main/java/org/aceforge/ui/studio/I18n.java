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

    public static String t(String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
    }
}
