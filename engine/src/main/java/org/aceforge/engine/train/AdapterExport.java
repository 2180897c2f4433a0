package org.aceforge.engine.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.tensors.SafeTensorsWriter;
import org.aceforge.engine.tensors.TensorData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a trained adapter as a PEFT folder: {@code adapter_config.json} (LORA, r, lora_alpha, the four target modules,
 * no bias) and {@code adapter_model.safetensors} with PEFT's key names, which the engine's loader and PEFT's
 * {@code PeftModel.from_pretrained} both read. The folder is written beside its final place and moved in whole.
 */
public final class AdapterExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdapterExport() {}

    public static void write(LoraParameters p, double dropout, String baseModel, Path folder) throws IOException {
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + folder.getFileName() + ".");
        try {
            writeInto(p, dropout, baseModel, tmp);
            if (Files.exists(folder)) org.aceforge.engine.tensors.Folders.deleteRecursively(folder);
            Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) org.aceforge.engine.tensors.Folders.deleteRecursively(tmp);
        }
    }

    static void writeInto(LoraParameters p, double dropout, String baseModel, Path dir) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "FEATURE_EXTRACTION");
        c.put("base_model_name_or_path", baseModel);
        c.put("r", p.rank());
        c.put("lora_alpha", p.alpha());
        c.put("lora_dropout", dropout);
        var targets = c.putArray("target_modules");
        LoraParameters.TARGETS.forEach(targets::add);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("use_rslora", false);
        c.put("use_dora", false);
        c.put("init_lora_weights", true);
        c.putNull("modules_to_save");
        Files.writeString(dir.resolve("adapter_config.json"), JSON.writeValueAsString(c));
        List<TensorData> tensors = new ArrayList<>();
        for (LoraParameters.Module m : p.modules()) {
            tensors.add(TensorData.ofFloats(m.keyA(), m.a(), p.rank(), m.in()));
            tensors.add(TensorData.ofFloats(m.keyB(), m.b(), m.out(), p.rank()));
        }
        SafeTensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors);
    }
}
