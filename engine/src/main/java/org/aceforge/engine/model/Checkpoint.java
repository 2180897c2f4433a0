package org.aceforge.engine.model;

import org.aceforge.engine.tensors.SafeTensors;
import org.aceforge.engine.tensors.WeightSource;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens the safetensors weights of a Hugging Face folder: one file or shards ({@code *-0000i-of-0000n}). */
public final class Checkpoint {
    private Checkpoint() {}

    public static WeightSource open(Path folder, String stem) {
        Path single = folder.resolve(stem + ".safetensors");
        try {
            if (Files.isRegularFile(single)) return SafeTensors.open(single);
            List<Path> shards = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, stem + "-*-of-*.safetensors")) {
                ds.forEach(shards::add);
            }
            if (shards.isEmpty()) throw new ModelFolderException(folder + ": no " + stem + ".safetensors (is the download complete?)");
            shards.sort(null);
            List<SafeTensors> parts = new ArrayList<>();
            for (Path p : shards) parts.add(SafeTensors.open(p));
            return WeightSource.merge(parts);
        } catch (IOException e) {
            throw new ModelFolderException(folder + ": unreadable weights (" + e.getMessage() + ")", e);
        }
    }

    public static String configText(Path folder) {
        try {
            return Files.readString(folder.resolve("config.json"));
        } catch (IOException e) {
            throw new ModelFolderException(folder + ": missing or unreadable config.json");
        }
    }
}
