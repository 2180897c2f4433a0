package org.aceforge.ui.studio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Chinese and Japanese on a machine with no CJK font: a JVM whose fontconfig sees only DejaVu (Latin) cannot show them
 * with the platform's fonts, and can once StudioFonts has put the bundled font in — Latin still shows too.
 */
class StudioFontsTest {
    @TempDir
    Path tmp;

    /** Run in a child JVM: prints "before=<bool> installed=<bool> cjk=<bool> latin=<bool>". */
    public static void main(String[] args) {
        com.formdev.flatlaf.FlatDarkLaf.setup();
        boolean before = StudioFonts.defaultShowsCjk();
        boolean installed = StudioFonts.ensureCjk();
        com.formdev.flatlaf.FlatLaf.updateUI();
        java.awt.Font f = javax.swing.UIManager.getFont("Label.font");
        System.out.println("before=" + before + " installed=" + installed + " cjk=" + (f.canDisplayUpTo(StudioFonts.CJK) == -1)
                + " latin=" + (f.canDisplayUpTo("Render (s) – Repaint 4.0") == -1));
    }

    @Test
    void aMachineWithoutCjkFontsStillShowsChineseAndJapanese() throws Exception {
        Path dejavu = Path.of("/usr/share/fonts/truetype/dejavu");
        assumeTrue(Files.isDirectory(dejavu), "needs DejaVu to stand for a Latin-only machine");
        Path conf = tmp.resolve("latin-only.conf");
        Files.writeString(conf, "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  <dir>" + dejavu
                + "</dir>\n  <cachedir>" + tmp.resolve("fc-cache") + "</cachedir>\n</fontconfig>\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-Duser.home=" + tmp.resolve("home"),   // no cached font list from this machine
                "-cp", System.getProperty("java.class.path"), StudioFontsTest.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FONTCONFIG_FILE", conf.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String line = out.lines().filter(l -> l.startsWith("before=")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertEquals("before=false installed=true cjk=true latin=true", line, out);
    }
}
