package org.aceforge.engine.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.SafeTensorsWriter;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resumable training state: the adapter as a PEFT folder (usable as it is), the optimiser's moments
 * ({@code optimizer.safetensors}) and {@code trainer.json} (samples seen, optimiser steps, epoch, rank and alpha). Taken
 * between optimiser steps; written beside its place and moved in whole, so a checkpoint is never half written.
 */
public final class TrainingCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What a resumed run continues from. */
    public record State(long samplesSeen, long optimizerSteps, int epoch, int rank, double alpha) {}

    private TrainingCheckpoint() {}

    public static void save(LoraTrainer trainer, int epoch, double dropout, String baseModel, Path folder) throws IOException {
        if (trainer.midStep()) throw new IllegalStateException("a checkpoint is taken between optimiser steps");
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + folder.getFileName() + ".");
        try {
            LoraParameters p = trainer.parameters();
            AdapterExport.writeInto(p, dropout, baseModel, tmp);
            List<TensorData> moments = new ArrayList<>();
            trainer.optimizer().state().forEach((k, a) -> moments.add(TensorData.ofFloats(k, a, a.length)));
            SafeTensorsWriter.write(tmp.resolve("optimizer.safetensors"), moments);
            ObjectNode s = JSON.createObjectNode();
            s.put("samples_seen", trainer.samplesSeen());
            s.put("optimizer_steps", trainer.optimizer().steps());
            s.put("epoch", epoch);
            s.put("rank", p.rank());
            s.put("alpha", p.alpha());
            Files.writeString(tmp.resolve("trainer.json"), JSON.writeValueAsString(s));
            if (Files.exists(folder)) org.aceforge.engine.tensors.Folders.deleteRecursively(folder);
            Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) org.aceforge.engine.tensors.Folders.deleteRecursively(tmp);
        }
    }

    /** The state a checkpoint holds; a folder that is not one says so in words. */
    public static State state(Path folder) {
        Path f = folder.resolve("trainer.json");
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return new State(n.path("samples_seen").asLong(), n.path("optimizer_steps").asLong(), n.path("epoch").asInt(),
                    n.path("rank").asInt(), n.path("alpha").asDouble());
        } catch (IOException e) {
            throw new IllegalArgumentException("--resume " + folder + " is not a training checkpoint (no readable trainer.json)");
        }
    }

    /** Loads the factors into {@code p} and the moments into the trainer's optimiser, and positions the trainer. */
    public static State restore(Path folder, LoraTrainer trainer) throws IOException {
        State s = state(folder);
        LoraParameters p = trainer.parameters();
        if (s.rank() != p.rank()) throw new IllegalArgumentException("--resume " + folder + " was trained at rank " + s.rank() + ", not " + p.rank());
        WeightSource adapter = SafeTensors.open(folder.resolve("adapter_model.safetensors"));
        Map<String, float[]> arrays = p.arrays();
        for (var e : arrays.entrySet()) {
            if (!adapter.has(e.getKey())) throw new IllegalArgumentException("--resume " + folder + " lacks " + e.getKey());
            float[] stored = adapter.floats(e.getKey());
            if (stored.length != e.getValue().length) throw new IllegalArgumentException("--resume " + folder + ": " + e.getKey() + " has another shape");
            System.arraycopy(stored, 0, e.getValue(), 0, stored.length);
        }
        WeightSource moments = SafeTensors.open(folder.resolve("optimizer.safetensors"));
        Map<String, float[]> state = new LinkedHashMap<>();
        for (String k : moments.tensors().keySet()) state.put(k, moments.floats(k));
        trainer.optimizer().restore(state, s.optimizerSteps());
        trainer.resumeAt(s.samplesSeen());
        return s;
    }
}
