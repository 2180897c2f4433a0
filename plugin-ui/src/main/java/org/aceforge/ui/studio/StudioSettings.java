package org.aceforge.ui.studio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Settings that persist between runs (JSON in {@code ~/.config/aceforge/studio.json}, or under the
 * {@code aceforge.config} folder). Public fields so Jackson can map them; EDT only.
 */
public final class StudioSettings {
    public String modelDir = "";
    /** Where renders are written; empty = ~/AceForge/renders (read when the studio starts). */
    public String renderFolder = "";
    public String variant = "turbo";
    public String device = "auto";
    public String theme = "dark";
    public String language = "en";
    public boolean int8 = false;
    /** A PEFT LoRA adapter folder for the DiT, whether to use it, and its strength. */
    public String lora = "";
    public boolean useLora = false;
    public double loraScale = 1.0;
    public boolean offload = false;
    /** The first-run "Get models" offer was made (it is shown once). */
    public boolean modelsOffered = false;
    public String lastFolder = "";
    /** 5 Hz LM: "auto" (the preferred installed one), "none", or a size such as "1.7B". */
    public String lm = "auto";
    /** Main toggles: the LM plans codes (Think), decodes variants together (ParallelThinking), rewrites the caption. */
    public boolean think = true, parallelThinking = true, captionRewrite = true;
    /** LM and CoT options (spec §2.1 defaults). */
    public double lmTemperature = 0.85, lmCfg = 2.0, lmTopP = 0.9;
    public int lmTopK = 0;
    public String lmNegative = "NO USER INPUT";
    public boolean cotMetas = true, cotLanguage = true;
    /** Auto score: the LM rates every result (caption, lyrics and metadata fit). */
    public boolean autoScore = false;
    /** Auto-LRC: time every lyric line of a text2music result (writes NAME.lrc). */
    public boolean autoLrc = false;
    /** Constrained-decoding debug: the sidecar (Details) lists what each constrained LM step allowed and chose. */
    public boolean lmDebug = false;
    public int width = 1280, height = 860;
    /** Where renders run: empty for this computer, else an AceForge server's address ("gpu-box:8001"). */
    public String renderOn = "";
    /** The key that server asks for (empty: none). Kept in this file, which only this user should be able to read. */
    public String serverKey = "";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The LM part of a text2music request, or null when the LM is off or not installed. */
    public org.aceforge.engine.jobs.LmRequest lmRequest(boolean lmInstalled, String description) {
        if (!lmInstalled || "none".equals(lm)) return null;
        org.aceforge.engine.lm.LmOptions o = new org.aceforge.engine.lm.LmOptions(lmTemperature, lmCfg, lmTopK, lmTopP,
                lmNegative, cotMetas, captionRewrite, cotLanguage);
        boolean simple = description != null;
        if (!simple && !think && !cotMetas && !captionRewrite && !cotLanguage) return null;
        return new org.aceforge.engine.jobs.LmRequest(think || simple, "auto".equals(lm) ? null : lm, o, description,
                parallelThinking ? org.aceforge.engine.jobs.Sampling.MAX_BATCH : 1, false, lmDebug);
    }

    /** Chooses ONNX Runtime's device for this process (auto, cpu, cuda) unless the command line already did. */
    public void applyDevice() {
        if (System.getProperty("aceforge.device") == null && device != null && !device.isBlank())
            System.setProperty("aceforge.device", device);
    }

    public static Path folder() {
        String p = System.getProperty("aceforge.config");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".config", "aceforge");
    }

    public static StudioSettings load() {
        Path f = folder().resolve("studio.json");
        try {
            if (Files.isRegularFile(f)) return JSON.readValue(f.toFile(), StudioSettings.class);
        } catch (IOException e) {
            // A damaged settings file falls back to defaults; it is rewritten on the next save.
        }
        return new StudioSettings();
    }

    public void save() throws IOException {
        Path dir = Files.createDirectories(folder());
        Path tmp = Files.createTempFile(dir, "studio", ".part");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dir.resolve("studio.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The server renders go to, or null when they run on this computer (an address that does not parse counts as none). */
    public org.aceforge.client.ServerAddress server() {
        if (renderOn == null || renderOn.isBlank()) return null;
        try {
            return org.aceforge.client.ServerAddress.parse(renderOn, serverKey);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The render folder this studio writes to: the setting, else ~/AceForge/renders. */
    public java.nio.file.Path renders() {
        return renderFolder.isBlank() ? java.nio.file.Path.of(System.getProperty("user.home"), "AceForge", "renders")
                : java.nio.file.Path.of(renderFolder);
    }
}
