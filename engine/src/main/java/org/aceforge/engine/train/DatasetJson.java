package org.aceforge.engine.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The dataset JSON of the official ACE-Step dataset builder: {@code {"metadata": {name, custom_tag, tag_position,
 * all_instrumental, genre_ratio, num_samples, created_at}, "samples": [{id, audio_path, filename, caption, genre,
 * lyrics, bpm, keyscale, timesignature, duration, language, is_instrumental, labeled}]}}. Those are the fields both
 * read and write; fields the official builder has and AceForge does not use ({@code prompt_override}, …) are kept
 * out. Reading checks every field's type and names the first wrong one ({@code samples[2].bpm: "fast" is not a whole
 * number}); writing goes through a temporary file, so a dataset file is never half written.
 */
public final class DatasetJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DatasetJson() {}

    public static Dataset read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new DatasetException(file + " is not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        } catch (IOException e) {
            throw new DatasetException(file + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new DatasetException(file + ": a dataset is a JSON object with \"metadata\" and \"samples\"");
        JsonNode meta = root.path("metadata");
        if (!meta.isMissingNode() && !meta.isObject()) throw new DatasetException(file + ": metadata must be an object");
        Fields m = new Fields(file + ": metadata", meta);
        String position = m.text("tag_position");
        TagPosition tp = position == null ? TagPosition.PREPEND : TagPosition.parse(position);
        if (tp == null) throw new DatasetException(file + ": metadata.tag_position: '" + position + "' is not prepend, append or replace");
        Integer ratio = m.whole("genre_ratio");
        if (ratio != null && (ratio < 0 || ratio > 100)) throw new DatasetException(file + ": metadata.genre_ratio: " + ratio + " is out of range: use 0 to 100");
        JsonNode list = root.path("samples");
        if (!list.isArray()) throw new DatasetException(file + ": samples must be a list");
        List<DatasetSample> samples = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            if (!s.isObject()) throw new DatasetException(file + ": samples[" + i + "] must be an object");
            samples.add(sample(new Fields(file + ": samples[" + i + "]", s), file, i));
        }
        String name = m.text("name");
        return new Dataset(name == null ? stem(file) : name, m.text("custom_tag"), tp, Boolean.TRUE.equals(m.bool("all_instrumental")),
                ratio == null ? 0 : ratio, samples);
    }

    private static DatasetSample sample(Fields f, Path file, int i) {
        String audio = f.text("audio_path");
        if (audio == null || audio.isBlank()) throw new DatasetException(f.where + ".audio_path: is required (the song's audio file)");
        Integer bpm = f.whole("bpm");
        if (bpm != null && (bpm < 30 || bpm > 300)) throw new DatasetException(f.where + ".bpm: " + bpm + " is out of range: use 30 to 300");
        String ts = f.text("timesignature");
        if (ts != null && !ts.isBlank() && !List.of("2", "3", "4", "6").contains(ts.strip().split("/")[0]))
            throw new DatasetException(f.where + ".timesignature: '" + ts + "' is not 2, 3, 4 or 6");
        Double duration = f.number("duration");
        String id = f.text("id");
        String filename = f.text("filename");
        return new DatasetSample(id == null ? Integer.toString(i + 1) : id, audio, filename == null ? Path.of(audio).getFileName().toString() : filename,
                f.text("caption"), f.text("genre"), f.text("lyrics"), bpm, blankToNull(f.text("keyscale")),
                ts == null || ts.isBlank() ? null : ts.strip().split("/")[0], duration == null ? 0 : duration, blankToNull(f.text("language")),
                Boolean.TRUE.equals(f.bool("is_instrumental")), Boolean.TRUE.equals(f.bool("labeled")));
    }

    /** Writes {@code d} to {@code file} whole (a temporary file moved into place). */
    public static void write(Dataset d, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode meta = root.putObject("metadata");
        meta.put("name", d.name());
        meta.put("custom_tag", d.customTag() == null ? "" : d.customTag());
        meta.put("tag_position", d.tagPosition().key());
        meta.put("created_at", java.time.Instant.now().toString());
        meta.put("num_samples", d.samples().size());
        meta.put("all_instrumental", d.allInstrumental());
        meta.put("genre_ratio", d.genreRatio());
        ArrayNode list = root.putArray("samples");
        for (DatasetSample s : d.samples()) {
            ObjectNode o = list.addObject();
            o.put("id", s.id());
            o.put("audio_path", s.audioPath());
            o.put("filename", s.filename());
            o.put("caption", s.caption() == null ? "" : s.caption());
            o.put("genre", s.genre() == null ? "" : s.genre());
            o.put("lyrics", s.lyrics() == null ? "" : s.lyrics());
            if (s.bpm() == null) o.putNull("bpm"); else o.put("bpm", s.bpm());
            o.put("keyscale", s.keyscale() == null ? "" : s.keyscale());
            o.put("timesignature", s.timesignature() == null ? "" : s.timesignature());
            o.put("duration", s.duration());
            o.put("language", s.language() == null ? "unknown" : s.language());
            o.put("is_instrumental", s.instrumental());
            o.put("labeled", s.labeled());
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".dataset", ".part");
        try {
            Files.writeString(tmp, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The audio file of a sample: its path, relative to the dataset JSON's folder when not absolute. */
    public static Path audioOf(DatasetSample s, Path datasetFile) {
        Path p = Path.of(s.audioPath());
        return p.isAbsolute() || datasetFile == null ? p : datasetFile.toAbsolutePath().getParent().resolve(p).normalize();
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Typed reads of one object's fields; a wrong type names the field. */
    private record Fields(String where, JsonNode node) {
        String text(String f) {
            JsonNode v = node.path(f);
            if (v.isMissingNode() || v.isNull()) return null;
            if (v.isTextual()) return v.asText();
            if (v.isNumber()) return v.asText();
            throw new DatasetException(where + "." + f + ": " + shown(v) + " is not text");
        }

        Integer whole(String f) {
            JsonNode v = node.path(f);
            if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isBlank())) return null;
            if (v.isIntegralNumber() && v.canConvertToInt()) return v.asInt();
            if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 1e9) return (int) v.asDouble();
            if (v.isTextual()) {
                try {
                    return Integer.parseInt(v.asText().strip());
                } catch (NumberFormatException e) {
                    // said below
                }
            }
            throw new DatasetException(where + "." + f + ": " + shown(v) + " is not a whole number");
        }

        Double number(String f) {
            JsonNode v = node.path(f);
            if (v.isMissingNode() || v.isNull()) return null;
            if (v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= 0) return v.asDouble();
            throw new DatasetException(where + "." + f + ": " + shown(v) + " is not a number of seconds");
        }

        Boolean bool(String f) {
            JsonNode v = node.path(f);
            if (v.isMissingNode() || v.isNull()) return null;
            if (v.isBoolean()) return v.asBoolean();
            if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) return Boolean.parseBoolean(v.asText());
            throw new DatasetException(where + "." + f + ": " + shown(v) + " is not true or false");
        }

        private static String shown(JsonNode v) {
            String s = v.toString();
            return s.length() > 40 ? s.substring(0, 40) + "…" : s;
        }
    }
}
