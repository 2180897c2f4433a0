package org.aceforge.engine.train;

import org.aceforge.engine.audio.AudioClip;
import org.aceforge.engine.audio.AudioDecoder;
import org.aceforge.engine.pipeline.LatentCache;
import org.aceforge.engine.pipeline.ModelSet;
import org.aceforge.engine.pipeline.Renderer;
import org.aceforge.engine.tasks.ConditionInput;
import org.aceforge.engine.tasks.Text2Music;
import org.aceforge.engine.tensors.Npy;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.text.Prompts;
import org.aceforge.engine.timeline.Timeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A dataset turned into training tensors once (spec §6): each song decoded to 48 kHz stereo and encoded by the VAE
 * (x₀), its caption (activation tag applied) with its metadata in the text2music caption prompt and its lyrics through
 * the frozen text encoder and condition encoder (a silent timbre reference), and the text2music context (silence with
 * the "generate everywhere" mask). Kept in {@code cache} under a hash of the audio, the prompts and the models, so a
 * second run — or a resumed one — reads them back instead of computing them again. Training thread only.
 */
public final class Preprocess {
    /** Songs longer than this are cut (the DiT was trained on up to 4 minutes). */
    public static final double MAX_SECONDS = 240;

    private Preprocess() {}

    public static List<TrainingSample> run(ModelSet m, Dataset d, Path datasetFile, LatentCache latents, Path cache,
                                           BiConsumer<Integer, DatasetSample> progress) throws Exception {
        List<TrainingSample> out = new ArrayList<>();
        int i = 0;
        for (DatasetSample s : d.samples()) {
            progress.accept(++i, s);
            Path audio = DatasetJson.audioOf(s, datasetFile);
            AudioClip clip = AudioDecoder.decode(audio).toEngineFormat();
            float[] stereo = clip.interleaved();
            int hop = m.vae().hop();
            int frames = (int) Math.min(stereo.length / 2 / hop, MAX_SECONDS * Renderer.RATE / hop);
            if (frames < 1) throw new DatasetException(audio + " is too short to train on");
            stereo = java.util.Arrays.copyOf(stereo, 2 * frames * hop);
            double seconds = frames * (double) hop / Renderer.RATE;
            boolean instrumental = s.instrumental() || d.allInstrumental();
            String caption = Prompts.caption(Prompts.TEXT2MUSIC, d.trainingCaption(s),
                    Prompts.metas(s.bpm(), s.timesignature(), s.keyscale(), seconds));
            String lyrics = Prompts.lyrics(instrumental ? "unknown" : s.language(), s.trainingLyrics(d.allInstrumental()), instrumental);
            String key = key(stereo, caption, lyrics, m.pack().dit(m.variant()).toAbsolutePath().toString());
            Path dir = cache.resolve(key);
            if (Files.isRegularFile(dir.resolve("context.npy"))) {
                try {
                    out.add(new TrainingSample(s.id(), read(dir, "latents"), read(dir, "condition"), read(dir, "context")));
                    continue;
                } catch (IOException | RuntimeException e) {
                    // an unreadable entry is computed again
                }
            }
            Tensor3 x0 = latents.encode(m.vae(), m.pack().vae().toAbsolutePath().toString(), stereo, (f, msg) -> { }).frames(0, frames);
            Tensor3 silence = m.dit().silence(frames);
            Tensor3 context = new Text2Music().condition(new ConditionInput(null, silence, Timeline.ofLatentFrames(frames, Renderer.RATE, hop),
                    1, null, m.dit(), false)).context();
            Tensor3 text = m.text().encodeCaption(caption), lyr = m.text().embedLyrics(lyrics);
            Tensor3 condition = m.dit().encodeCondition(text, lyr, m.dit().silence(m.dit().config().timbreFixFrame()));
            Files.createDirectories(dir);
            Npy.write(dir.resolve("latents.npy"), x0.toTensorData("latents"));
            Npy.write(dir.resolve("condition.npy"), condition.toTensorData("condition"));
            Npy.write(dir.resolve("context.npy"), context.toTensorData("context"));   // written last: marks the entry complete
            out.add(new TrainingSample(s.id(), x0, condition, context));
        }
        return out;
    }

    private static Tensor3 read(Path dir, String name) throws IOException {
        return Tensor3.of(Npy.read(dir.resolve(name + ".npy")));
    }

    static String key(float[] stereo, String caption, String lyrics, String model) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(stereo.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(stereo);
            sha.update(b.array());
            for (String s : new String[]{"preprocess-v1", caption, lyrics, model}) sha.update(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
