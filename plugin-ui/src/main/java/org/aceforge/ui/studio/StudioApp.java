package org.aceforge.ui.studio;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLightLaf;
import org.aceforge.engine.jobs.RenderService;
import org.aceforge.engine.runtime.GraphCache;

import javax.swing.SwingUtilities;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ./aceforge studio}: opens the standalone studio window. */
public final class StudioApp {
    private StudioApp() {}

    public static void main(String[] args) throws Exception {
        if (java.awt.GraphicsEnvironment.isHeadless() || System.getenv("DISPLAY") == null && System.getProperty("os.name").startsWith("Linux")) {
            System.err.println("aceforge studio: no display to open a window on (run it in a desktop session, or set DISPLAY)");
            System.exit(1);
        }
        boolean firstRun = !java.nio.file.Files.isRegularFile(StudioSettings.folder().resolve("studio.json"));
        StudioSettings settings = StudioSettings.load();
        if (firstRun) settings.theme = SystemTheme.detect();
        I18n.use(settings.language);
        settings.applyDevice();
        Path renders = Files.createDirectories(settings.renders());
        RenderService service = new RenderService(1, GraphCache.defaultCache());
        SwingUtilities.invokeAndWait(() -> {
            if ("light".equals(settings.theme)) FlatLightLaf.setup(); else FlatDarkLaf.setup();
            StudioFonts.ensureCjk();    // Chinese and Japanese never as boxes, also without a CJK font on the system
            StudioWindow w = new StudioWindow(settings, service, renders);
            w.setLocationRelativeTo(null);
            w.setVisible(true);
            if (args.length > 0) w.loadSource(Path.of(args[0]));
            w.offerModelsOnce();
        });
    }
}
