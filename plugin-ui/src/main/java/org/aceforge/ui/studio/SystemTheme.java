package org.aceforge.ui.studio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The desktop's light/dark preference, where it can be read (GNOME/GTK settings, GTK_THEME); dark otherwise. */
final class SystemTheme {
    private SystemTheme() {}

    static String detect() {
        String gtk = System.getenv("GTK_THEME");
        if (gtk != null && !gtk.isBlank()) return gtk.toLowerCase().contains("dark") ? "dark" : "light";
        try {
            Process p = new ProcessBuilder("gsettings", "get", "org.gnome.desktop.interface", "color-scheme")
                    .redirectErrorStream(true).start();
            if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (out.contains("prefer-dark")) return "dark";
                if (out.contains("prefer-light") || out.contains("default")) return "light";
            } else {
                p.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            // no gsettings here: fall back to dark
        }
        return "dark";
    }
}
