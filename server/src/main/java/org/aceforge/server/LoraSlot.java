package org.aceforge.server;

import org.aceforge.engine.model.LoraAdapter;
import org.aceforge.engine.model.ModelFolderException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LoRA adapter this node applies to tasks that name none ({@code /v1/lora/load}, {@code /unload}, {@code /toggle},
 * {@code /scale}, {@code /status} of the ACE-Step API). The adapter is read once when loaded, so a folder that is not
 * an adapter is refused there; each accepted task records the path and scale in force (pinned like its seeds), so a
 * later change never alters a queued task. Any thread.
 */
final class LoraSlot {
    /** An adapter and how it is applied. */
    private record State(Path path, String name, boolean use, double scale) {}

    private volatile State state;

    /** Reads the adapter (a 400 naming {@code lora_path} when it is not one) and makes it the one in force, at scale 1. */
    synchronized Map<String, Object> load(String path, String name) {
        if (path == null || path.isBlank()) throw ApiException.badRequest("lora_path: is required (the adapter folder on this server)");
        Path folder;
        try {
            folder = Path.of(path.strip()).toAbsolutePath().normalize();
            LoraAdapter.read(folder);
        } catch (ModelFolderException | java.nio.file.InvalidPathException e) {
            throw ApiException.badRequest("lora_path: " + e.getMessage().replaceFirst("^LoRA ", ""));
        }
        String adapter = name == null || name.isBlank() ? null : name.strip();
        state = new State(folder, adapter, true, 1.0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("message", "LoRA loaded from " + folder + "; tasks use it until it is unloaded");
        out.put("lora_path", path);
        if (adapter != null) out.put("adapter_name", adapter);
        return out;
    }

    synchronized Map<String, Object> unload() {
        boolean had = state != null;
        state = null;
        return Map.of("message", had ? "LoRA unloaded; tasks use the base model" : "no LoRA was loaded");
    }

    synchronized Map<String, Object> toggle(Boolean use) {
        if (use == null) throw ApiException.badRequest("use_lora: is required (true or false)");
        State s = requireLoaded();
        state = new State(s.path, s.name, use, s.scale);
        return Map.of("message", use ? "LoRA on" : "LoRA off (still loaded)", "use_lora", use);
    }

    synchronized Map<String, Object> scale(Double scale, String name) {
        if (scale == null) throw ApiException.badRequest("scale: is required (0.0 to 1.0)");
        if (!(scale >= 0 && scale <= 1)) throw ApiException.badRequest("scale: " + scale + " is out of range: use 0.0 to 1.0");
        State s = requireLoaded();
        if (name != null && !name.isBlank() && !name.strip().equals(s.name))
            throw ApiException.badRequest("adapter_name: no adapter named '" + name.strip() + "' is loaded");
        state = new State(s.path, s.name, s.use, scale);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("message", "LoRA scale " + scale);
        out.put("scale", scale);
        if (s.name != null) out.put("adapter_name", s.name);
        return out;
    }

    Map<String, Object> status() {
        State s = state;
        String name = s == null ? null : s.name == null ? "default" : s.name;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lora_loaded", s != null);
        out.put("use_lora", s != null && s.use);
        out.put("lora_scale", s == null ? 1.0 : s.scale);
        out.put("adapter_type", s == null ? null : "lora");
        out.put("scales", s == null ? Map.of() : Map.of(name, s.scale));
        out.put("active_adapter", s == null || !s.use ? null : name);
        out.put("adapters", s == null ? List.of() : List.of(name));
        out.put("synthetic_default_mode", s != null && s.name == null);
        out.put("lora_path", s == null ? null : s.path.toString());
        return out;
    }

    /** The adapter a task without its own applies, as {@code [path, scale]}, or null (none loaded, or toggled off). */
    Object[] inForce() {
        State s = state;
        return s == null || !s.use ? null : new Object[]{s.path.toString(), s.scale};
    }

    private State requireLoaded() {
        State s = state;
        if (s == null) throw ApiException.badRequest("no LoRA is loaded: POST /v1/lora/load with lora_path first");
        return s;
    }
}
