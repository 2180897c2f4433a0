package org.aceforge.engine.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.pipeline.VaeModel;
import org.aceforge.engine.runtime.GraphCache;
import org.aceforge.engine.tensors.SafeTensorsWriter;
import org.aceforge.engine.text.Prompts;
import org.aceforge.engine.tensors.Tensor3;
import org.aceforge.engine.tensors.TensorData;
import org.aceforge.engine.tensors.TorchTensorFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes the demo pack: a deterministic tiny checkpoint set in the real Hugging Face layout (same file formats and
 * tensor names, tiny widths and depths, random weights scaled to keep activations sane) with the real rates and latent
 * geometry: 48 kHz stereo, hop 1920, 25 Hz × 64 latents, patch 2, 5 Hz codes. It holds a turbo and a base DiT, the
 * VAE, and a Qwen3 text encoder with a byte-level BPE tokenizer. Its audio is noise-like by construction.
 */
public final class DemoPack {
    static final int LATENT = 64;
    static final int END_OF_TEXT_ID = 256;

    /**
     * The widths and depths of a pack. {@link #DEMO} is the embedded tiny pack; {@link #FULL} has the real ACE-Step 1.5
     * turbo geometry (spec §2: DiT hidden 2048, 24 layers, 16/8 heads of 128, MLP 6144, lyric/timbre encoders 8/4 layers,
     * Qwen3-Embedding-0.6B as text encoder, VAE with 128 channels × 1/2/4/8/16) with random weights, for the benchmark:
     * every stage costs what it costs with the real checkpoints.
     *
     * @param fastRandom uniform values from a SplittableRandom (same variance) instead of java.util.Random's Gaussians:
     *                   billions of values in seconds; the demo keeps its Gaussians so its bytes never change
     * @param extras     also the base DiT and the 5 Hz LM (the demo's; the benchmark renders turbo text2music only)
     * @param wordTokens the text tokenizer makes each word of the benchmark song's prompts one token, as the real
     *                   Qwen3 tokenizer does for common English ({@link #wordTokenizer}); else one token per byte
     */
    public record Geometry(String name, int hidden, int mlp, int heads, int kvHeads, int headDim, int ditLayers, int lyricLayers,
                           int timbreLayers, int poolerLayers, int slidingWindow, int textHidden, int textMlp, int textLayers,
                           int textHeads, int textKvHeads, int textHeadDim, int textVocab, int vaeDecoder, int[] vaeMultiples,
                           boolean fastRandom, boolean extras, boolean wordTokens) {
        public static final Geometry DEMO = new Geometry("demo", 128, 256, 4, 2, 32, 2, 2, 1, 1, 16, 64, 128, 2, 4, 2, 16, 320,
                16, new int[]{1, 1, 1, 1, 1}, false, true, false);
        public static final Geometry FULL = new Geometry("full-size random", 2048, 6144, 16, 8, 128, 24, 8, 4, 2, 128, 1024, 3072,
                28, 16, 8, 128, 151_669, 128, new int[]{1, 2, 4, 8, 16}, true, false, true);
    }

    /** The song the benchmark renders (bench --song): a caption, and a verse and a chorus so the lyric encoder does a song's work. */
    public static final String BENCH_CAPTION = "warm lofi hip hop, dusty piano, vinyl crackle";
    public static final String BENCH_LYRICS = "[verse]\nStreetlights hum a slower tune\nCoffee cooling in the afternoon\n"
            + "[chorus]\nStay a while, the night is young\nEvery word still on my tongue";

    /** The benchmark song's caption and lyric prompts as a render builds them (the text and lyric encoders' inputs). */
    public static List<String> benchPrompts() {
        return List.of(Prompts.caption(Prompts.TEXT2MUSIC, BENCH_CAPTION, Prompts.metas(null, null, null, 10)),
                Prompts.lyrics(org.aceforge.engine.jobs.Defaults.LANGUAGE, BENCH_LYRICS, false));
    }
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** First line of the marker; a pack written by an older AceForge (without the LM) is rewritten. */
    static final String FORMAT_LINE = "format 2";

    private DemoPack() {}

    /** Whether the pack in {@code dir} is complete and of the current format. */
    public static boolean isCurrent(Path dir) {
        try {
            return Files.readString(dir.resolve(ModelPack.DEMO_MARKER), StandardCharsets.UTF_8).startsWith(FORMAT_LINE + "\n");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the pack into {@code target} through a temporary sibling folder renamed into place, so a half-written
     * pack never appears. {@code target} must not exist or be an empty folder.
     */
    public static void makeAtomically(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".demo-pack-");
        try {
            make(tmp);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX
            }
            if (Files.isDirectory(target) && isStaleDemoPack(target)) {
                // An older pack: moved aside first, so the target never holds a half-deleted pack.
                Path old = Files.createTempDirectory(parent, ".demo-pack-old-");
                Files.delete(old);
                Files.move(target, old);
                org.aceforge.engine.tensors.Folders.deleteRecursively(old);
            }
            Files.deleteIfExists(target);
            Files.move(tmp, target);
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(tmp);
        }
    }

    private static boolean isStaleDemoPack(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelPack.DEMO_MARKER)) && !isCurrent(dir);
    }

    public static void make(Path root) throws IOException {
        make(root, Geometry.DEMO);
        Files.writeString(root.resolve(ModelPack.DEMO_MARKER),
                FORMAT_LINE + "\n"
                        + "AceForge demo pack: tiny random weights in the real ACE-Step 1.5 layout.\n"
                        + "It exercises every stage of the engine, but its audio is noise-like by construction.\n"
                        + "For music, point AceForge at the real checkpoints (see docs/models.md).\n", StandardCharsets.UTF_8);
    }

    /** Writes a pack of the given geometry into {@code root} (no demo marker). */
    public static void make(Path root, Geometry g) throws IOException {
        Files.createDirectories(root);
        writeTextEncoder(root.resolve(ModelPack.TEXT_ENCODER), g);
        Path vae = root.resolve(ModelPack.VAE);
        writeVae(vae, g);
        float[] silenceFrame = silenceFrame(vae, root);
        writeDit(root.resolve("acestep-v15-turbo"), "turbo", 11, silenceFrame, g);
        if (g.extras()) {
            writeDit(root.resolve("acestep-v15-base"), "base", 23, silenceFrame, g);
            writeLm(root.resolve(ModelPack.LM_PREFIX + LM_SIZES.get(0)));
        }
    }

    // ---------------- weights ----------------

    /** Deterministic tensors: each one's values come from a generator seeded by its name. */
    private static final class Tensors {
        final long packSeed;
        final Geometry g;
        final List<SafeTensorsWriter.Lazy> list = new ArrayList<>();

        Tensors(long packSeed, Geometry g) {
            this.packSeed = packSeed;
            this.g = g;
        }

        /** Made when the file is written (one tensor in memory at a time). */
        void gaussian(String name, double scale, long... shape) {
            long seed = packSeed * 1_000_003L + name.hashCode();
            int n = count(shape);
            boolean fast = g.fastRandom();
            list.add(new SafeTensorsWriter.Lazy(name, org.aceforge.engine.tensors.DType.F32, shape, () -> {
                float[] v = new float[n];
                if (fast) {
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    double a = Math.sqrt(3) * scale;   // uniform on [-a, a]: the Gaussian's variance
                    for (int i = 0; i < n; i++) v[i] = (float) ((2 * r.nextDouble() - 1) * a);
                } else {
                    Random r = new Random(seed);
                    for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
                }
                return TensorData.ofFloats(name, v, shape).bytes();
            }));
        }

        void constant(String name, float value, long... shape) {
            int n = count(shape);
            list.add(new SafeTensorsWriter.Lazy(name, org.aceforge.engine.tensors.DType.F32, shape, () -> {
                float[] v = new float[n];
                java.util.Arrays.fill(v, value);
                return TensorData.ofFloats(name, v, shape).bytes();
            }));
        }

        private static int count(long[] shape) {
            long n = 1;
            for (long d : shape) n *= d;
            return Math.toIntExact(n);
        }

        void write(Path file) throws IOException {
            SafeTensorsWriter.writeLazily(file, list);
        }

        void linear(String name, int out, int in, boolean bias) {
            gaussian(name + ".weight", 1 / Math.sqrt(in), out, in);
            if (bias) gaussian(name + ".bias", 0.02, out);
        }

        void norm(String name, int width) {
            constant(name + ".weight", 1f, width);
        }

        void attention(String p, int hidden, int kvIn) {
            attention(p, hidden, kvIn, g.heads(), g.kvHeads(), g.headDim());
        }

        void attention(String p, int hidden, int kvIn, int heads, int kvHeads, int headDim) {
            linear(p + "q_proj", heads * headDim, hidden, false);
            linear(p + "k_proj", kvHeads * headDim, kvIn, false);
            linear(p + "v_proj", kvHeads * headDim, kvIn, false);
            linear(p + "o_proj", hidden, heads * headDim, false);
            norm(p + "q_norm", headDim);
            norm(p + "k_norm", headDim);
        }

        void mlp(String p, int hidden, int inner) {
            linear(p + "gate_proj", inner, hidden, false);
            linear(p + "up_proj", inner, hidden, false);
            linear(p + "down_proj", hidden, inner, false);
        }

        void encoderLayer(String p, int hidden, int inner) {
            norm(p + "input_layernorm", hidden);
            norm(p + "post_attention_layernorm", hidden);
            attention(p + "self_attn.", hidden, hidden);
            mlp(p + "mlp.", hidden, inner);
        }
    }

    private static void writeDit(Path dir, String version, long seed, float[] silenceFrame, Geometry g) throws IOException {
        Files.createDirectories(dir);
        Tensors t = new Tensors(seed, g);
        final int HIDDEN = g.hidden(), MLP = g.mlp(), TEXT_HIDDEN = g.textHidden(), DIT_LAYERS = g.ditLayers();
        final int LYRIC_LAYERS = g.lyricLayers(), TIMBRE_LAYERS = g.timbreLayers(), POOLER_LAYERS = g.poolerLayers();
        String d = "decoder.";
        int cin = 3 * LATENT;
        t.gaussian(d + "proj_in.1.weight", 1 / Math.sqrt(cin * 2.0), HIDDEN, cin, 2);
        t.gaussian(d + "proj_in.1.bias", 0.02, HIDDEN);
        for (String te : new String[]{"time_embed.", "time_embed_r."}) {
            t.linear(d + te + "linear_1", HIDDEN, 256, true);
            t.linear(d + te + "linear_2", HIDDEN, HIDDEN, true);
            t.gaussian(d + te + "time_proj.weight", 0.1 / Math.sqrt(HIDDEN), 6 * HIDDEN, HIDDEN);
            t.gaussian(d + te + "time_proj.bias", 0.02, 6 * HIDDEN);
        }
        t.linear(d + "condition_embedder", HIDDEN, HIDDEN, true);
        for (int i = 0; i < DIT_LAYERS; i++) {
            String p = d + "layers." + i + ".";
            t.norm(p + "self_attn_norm", HIDDEN);
            t.attention(p + "self_attn.", HIDDEN, HIDDEN);
            t.norm(p + "cross_attn_norm", HIDDEN);
            t.attention(p + "cross_attn.", HIDDEN, HIDDEN);
            t.norm(p + "mlp_norm", HIDDEN);
            t.mlp(p + "mlp.", HIDDEN, MLP);
            t.gaussian(p + "scale_shift_table", 0.02, 1, 6, HIDDEN);
        }
        t.norm(d + "norm_out", HIDDEN);
        t.gaussian(d + "proj_out.1.weight", 1 / Math.sqrt(HIDDEN), HIDDEN, LATENT, 2);
        t.gaussian(d + "proj_out.1.bias", 0.02, LATENT);
        t.gaussian(d + "scale_shift_table", 0.02, 1, 2, HIDDEN);

        String e = "encoder.";
        t.linear(e + "text_projector", HIDDEN, TEXT_HIDDEN, false);
        t.linear(e + "lyric_encoder.embed_tokens", HIDDEN, TEXT_HIDDEN, true);
        for (int i = 0; i < LYRIC_LAYERS; i++) t.encoderLayer(e + "lyric_encoder.layers." + i + ".", HIDDEN, MLP);
        t.norm(e + "lyric_encoder.norm", HIDDEN);
        t.linear(e + "timbre_encoder.embed_tokens", HIDDEN, LATENT, true);
        for (int i = 0; i < TIMBRE_LAYERS; i++) t.encoderLayer(e + "timbre_encoder.layers." + i + ".", HIDDEN, MLP);
        t.norm(e + "timbre_encoder.norm", HIDDEN);
        t.gaussian(e + "timbre_encoder.special_token", 0.5, 1, 1, HIDDEN);

        String k = "tokenizer.";
        t.linear(k + "audio_acoustic_proj", HIDDEN, LATENT, true);
        t.linear(k + "attention_pooler.embed_tokens", HIDDEN, HIDDEN, true);
        t.gaussian(k + "attention_pooler.special_token", 0.5, 1, 1, HIDDEN);
        for (int i = 0; i < POOLER_LAYERS; i++) t.encoderLayer(k + "attention_pooler.layers." + i + ".", HIDDEN, MLP);
        t.norm(k + "attention_pooler.norm", HIDDEN);
        t.gaussian(k + "quantizer.project_in.weight", 2 / Math.sqrt(HIDDEN), 6, HIDDEN);
        t.gaussian(k + "quantizer.project_in.bias", 0.02, 6);
        t.linear(k + "quantizer.project_out", HIDDEN, 6, true);

        String dt = "detokenizer.";
        t.linear(dt + "embed_tokens", HIDDEN, HIDDEN, true);
        t.gaussian(dt + "special_tokens", 0.5, 1, 5, HIDDEN);
        for (int i = 0; i < POOLER_LAYERS; i++) t.encoderLayer(dt + "layers." + i + ".", HIDDEN, MLP);
        t.norm(dt + "norm", HIDDEN);
        t.linear(dt + "proj_out", LATENT, HIDDEN, true);
        t.gaussian("null_condition_emb", 0.5, 1, 1, HIDDEN);
        t.write(dir.resolve("model.safetensors"));

        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("AceStepConditionGenerationModel");
        c.put("model_type", "acestep").put("model_version", version).put("is_turbo", version.equals("turbo"))
                .put("torch_dtype", "float32").put("hidden_size", HIDDEN).put("intermediate_size", MLP)
                .put("num_hidden_layers", DIT_LAYERS).put("num_attention_heads", g.heads()).put("num_key_value_heads", g.kvHeads())
                .put("head_dim", g.headDim()).put("hidden_act", "silu").put("rms_norm_eps", 1e-6).put("rope_theta", 1_000_000)
                .put("max_position_embeddings", 32768).put("attention_bias", false).put("use_sliding_window", true)
                .put("sliding_window", g.slidingWindow()).put("num_lyric_encoder_hidden_layers", LYRIC_LAYERS)
                .put("num_timbre_encoder_hidden_layers", TIMBRE_LAYERS).put("num_attention_pooler_hidden_layers", POOLER_LAYERS)
                .put("num_audio_decoder_hidden_layers", DIT_LAYERS).put("text_hidden_dim", TEXT_HIDDEN)
                .put("timbre_hidden_dim", LATENT).put("audio_acoustic_hidden_dim", LATENT).put("in_channels", cin)
                .put("patch_size", 2).put("pool_window_size", 5).put("fsq_dim", HIDDEN).put("fsq_input_num_quantizers", 1)
                .put("timbre_fix_frame", 750).put("vocab_size", 64003);
        ArrayNode levels = c.putArray("fsq_input_levels");
        for (int l : new int[]{8, 8, 8, 5, 5, 5}) levels.add(l);
        ArrayNode types = c.putArray("layer_types");
        for (int i = 0; i < DIT_LAYERS; i++) types.add(i % 2 == 0 ? "sliding_attention" : "full_attention");
        JSON.writeValue(dir.resolve("config.json").toFile(), c);

        // 600 s of the VAE latent of silence, channels first [1, C, T] like the real file.
        int frames = 15000;
        float[] s = new float[LATENT * frames];
        for (int ch = 0; ch < LATENT; ch++) java.util.Arrays.fill(s, ch * frames, (ch + 1) * frames, silenceFrame[ch]);
        TorchTensorFile.write(dir.resolve("silence_latent.pt"), s, 1, LATENT, frames);
    }

    private static final int VAE_E = 2 * LATENT;
    private static final int[] VAE_RATIOS = {2, 4, 4, 6, 10};

    private static void writeVae(Path dir, Geometry g) throws IOException {
        Files.createDirectories(dir);
        Tensors t = new Tensors(5, g);
        final int VAE_D = g.vaeDecoder();
        final int[] VAE_MULT = g.vaeMultiples();
        int[] cm = {1, 1, 1, 1, 1, 1};
        for (int i = 0; i < VAE_MULT.length; i++) cm[i + 1] = VAE_MULT[i];
        int n = VAE_RATIOS.length;
        conv(t, "encoder.conv1", VAE_E * cm[0], 2, 7, 1f, true);
        for (int i = 0; i < n; i++) {
            String p = "encoder.block." + i + ".";
            int in = VAE_E * cm[i], out = VAE_E * cm[i + 1];
            for (int u = 1; u <= 3; u++) residual(t, p + "res_unit" + u + ".", in);
            snake(t, p + "snake1", in);
            conv(t, p + "conv1", out, in, 2 * VAE_RATIOS[i], 1f, true);
        }
        snake(t, "encoder.snake1", VAE_E * cm[n]);
        conv(t, "encoder.conv2", VAE_E, VAE_E * cm[n], 3, 1f, true);

        conv(t, "decoder.conv1", VAE_D * cm[n], LATENT, 7, 1f, true);
        for (int i = 0; i < n; i++) {
            String p = "decoder.block." + i + ".";
            int in = VAE_D * cm[n - i], out = VAE_D * cm[n - i - 1];
            int s = VAE_RATIOS[n - 1 - i];
            snake(t, p + "snake1", in);
            // ConvTranspose weight is [in, out, k]; weight norm per input channel.
            t.gaussian(p + "conv_t1.weight_v", 1, in, out, 2 * s);
            t.constant(p + "conv_t1.weight_g", (float) Math.sqrt((double) out * s / in), in, 1, 1);
            t.gaussian(p + "conv_t1.bias", 0.02, out);
            for (int u = 1; u <= 3; u++) residual(t, p + "res_unit" + u + ".", out);
        }
        snake(t, "decoder.snake1", VAE_D);
        conv(t, "decoder.conv2", 2, VAE_D, 7, 1f, false);
        t.write(dir.resolve("diffusion_pytorch_model.safetensors"));

        ObjectNode c = JSON.createObjectNode();
        c.put("_class_name", "AutoencoderOobleck").put("audio_channels", 2).put("decoder_channels", VAE_D)
                .put("decoder_input_channels", LATENT).put("encoder_hidden_size", VAE_E).put("sampling_rate", 48000);
        ArrayNode m = c.putArray("channel_multiples");
        for (int x : VAE_MULT) m.add(x);
        ArrayNode r = c.putArray("downsampling_ratios");
        for (int x : VAE_RATIOS) r.add(x);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
    }

    private static void conv(Tensors t, String name, int out, int in, int k, float gain, boolean bias) {
        t.gaussian(name + ".weight_v", 1, out, in, k);
        t.constant(name + ".weight_g", gain, out, 1, 1);
        if (bias) t.gaussian(name + ".bias", 0.02, out);
    }

    private static void residual(Tensors t, String p, int ch) {
        snake(t, p + "snake1", ch);
        conv(t, p + "conv1", ch, ch, 7, 1f, true);
        snake(t, p + "snake2", ch);
        conv(t, p + "conv2", ch, ch, 1, 0.5f, true);
    }

    private static void snake(Tensors t, String name, int ch) {
        t.constant(name + ".alpha", 0f, 1, ch, 1);
        t.constant(name + ".beta", 0f, 1, ch, 1);
    }

    /** The VAE latent of silence: the interior frame of an encoded stretch of zeros (constant away from the edges). */
    private static float[] silenceFrame(Path vaeDir, Path root) throws IOException {
        Path cache = Files.createTempDirectory("aceforge-demo-graphs");
        try (VaeModel vae = new VaeModel(vaeDir, new GraphCache(cache))) {
            int frames = 40;
            Tensor3 zeros = Tensor3.zeros(1, frames * vae.hop(), 2);
            Tensor3 lat = vae.encode(zeros, null);
            return java.util.Arrays.copyOfRange(lat.data(), frames / 2 * LATENT, (frames / 2 + 1) * LATENT);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("could not encode the demo silence latent: " + e.getMessage(), e);
        } finally {
            org.aceforge.engine.tensors.Folders.deleteRecursively(cache);
        }
    }

    /** A Qwen3 stack under {@code prefix}: embeddings, layers, final norm. */
    private static void qwen3(Tensors t, String prefix, int vocab, int hidden, int mlp, int layers, int heads, int kvHeads, int headDim) {
        t.gaussian(prefix + "embed_tokens.weight", 0.5, vocab, hidden);
        for (int i = 0; i < layers; i++) {
            String p = prefix + "layers." + i + ".";
            t.norm(p + "input_layernorm", hidden);
            t.norm(p + "post_attention_layernorm", hidden);
            t.attention(p + "self_attn.", hidden, hidden, heads, kvHeads, headDim);
            t.mlp(p + "mlp.", hidden, mlp);
        }
        t.norm(prefix + "norm", hidden);
    }

    private static ObjectNode qwen3Config(String architecture, int vocab, int hidden, int mlp, int layers, int maxPositions,
                                          int heads, int kvHeads, int headDim) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(architecture);
        c.put("model_type", "qwen3").put("vocab_size", vocab).put("hidden_size", hidden)
                .put("intermediate_size", mlp).put("num_hidden_layers", layers).put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads).put("head_dim", headDim).put("hidden_act", "silu").put("rms_norm_eps", 1e-6)
                .put("rope_theta", 1_000_000).put("max_position_embeddings", maxPositions).put("tie_word_embeddings", true)
                .put("use_sliding_window", false);
        return c;
    }

    private static void writeTextEncoder(Path dir, Geometry g) throws IOException {
        Files.createDirectories(dir);
        Tensors t = new Tensors(3, g);
        qwen3(t, "", g.textVocab(), g.textHidden(), g.textMlp(), g.textLayers(), g.textHeads(), g.textKvHeads(), g.textHeadDim());
        t.write(dir.resolve("model.safetensors"));
        ObjectNode c = qwen3Config("Qwen3Model", g.textVocab(), g.textHidden(), g.textMlp(), g.textLayers(), 32768,
                g.textHeads(), g.textKvHeads(), g.textHeadDim())
                .put("pad_token_id", END_OF_TEXT_ID).put("eos_token_id", END_OF_TEXT_ID);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
        writeTextTokenizer(dir, g);
    }

    /** The text encoder's tokenizer.json of a geometry (also rewritten alone when only its form changed). */
    public static void writeTextTokenizer(Path dir, Geometry g) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), g.wordTokens() ? wordTokenizer(benchPrompts()) : byteLevelTokenizer(),
                StandardCharsets.UTF_8);
    }

    /** The LM sizes the demo pack holds (it is written on first use, so the UI can know before it exists). */
    public static final List<String> LM_SIZES = List.of("0.6B");

    /** Demo LM vocabulary: bytes, <|endoftext|>, the chat and think markers, then the 64,000 audio-code tokens. */
    static final int LM_AUDIO_CODE_0 = 261, LM_VOCAB = LM_AUDIO_CODE_0 + 64_000, LM_HIDDEN = 32;

    /**
     * A Qwen3ForCausalLM in the 5 Hz LM layout (prefixed names, tied embeddings, no lm_head) with the LM's special
     * tokens. Random weights: the constraints still make its metadata valid and its codes decodable.
     */
    private static void writeLm(Path dir) throws IOException {
        Files.createDirectories(dir);
        Tensors t = new Tensors(29, Geometry.DEMO);
        qwen3(t, "model.", LM_VOCAB, LM_HIDDEN, 64, 2, 4, 2, 16);
        t.write(dir.resolve("model.safetensors"));
        ObjectNode c = qwen3Config("Qwen3ForCausalLM", LM_VOCAB, LM_HIDDEN, 64, 2, 40960, 4, 2, 16).put("eos_token_id", END_OF_TEXT_ID + 2);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
        List<String> added = new ArrayList<>(List.of("<|im_start|>", "<|im_end|>", "<think>", "</think>"));
        for (int i = 0; i < 64_000; i++) added.add("<|audio_code_" + i + "|>");
        Files.writeString(dir.resolve("tokenizer.json"), byteLevelTokenizer(added), StandardCharsets.UTF_8);
    }

    /** A byte-level BPE tokenizer (one token per byte, as GPT-2/Qwen map bytes to characters) plus <|endoftext|>. */
    static String byteLevelTokenizer() throws IOException {
        return byteLevelTokenizer(List.of());
    }

    /** The same with more special tokens, numbered from <|endoftext|> + 1 on. */
    static String byteLevelTokenizer(List<String> moreSpecial) throws IOException {
        return tokenizerJson(moreSpecial, byteVocabulary(), List.of());
    }

    /**
     * Bytes, plus one token for each word of {@code texts} (each piece the ByteLevel pre-tokenizer cuts: a word with
     * its leading space, a run of punctuation). With one token per byte the benchmark ran the text and lyric encoders
     * on 3–4× the sequence the real Qwen3 tokenizer (151 k BPE tokens, a common English word one of them) gives: 213
     * and 172 tokens for its prompts instead of 63 and 45 (the real one: about 68 and 45). Merges are added until every word is a single token;
     * other text still falls back to bytes.
     */
    static String wordTokenizer(List<String> texts) throws IOException {
        Map<String, Integer> vocab = byteVocabulary();
        // In the model's vocabulary too: the tokenizers library numbers an added token missing from it after the
        // vocabulary's size, which is no longer 256 here.
        vocab.put(Prompts.END_OF_TEXT, END_OF_TEXT_ID);
        int[] byteToChar = byteToUnicode();
        Map<String, Integer> ranks = new LinkedHashMap<>();
        int next = END_OF_TEXT_ID + 1;
        for (String text : texts) {
            java.util.regex.Matcher m = PRE_TOKEN.matcher(text.replace(Prompts.END_OF_TEXT, "\n"));
            while (m.find()) {
                StringBuilder chars = new StringBuilder();
                for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) chars.appendCodePoint(byteToChar[b & 0xFF]);
                for (List<String> parts = bpe(chars.toString(), ranks); parts.size() > 1; parts = bpe(chars.toString(), ranks)) {
                    ranks.put(parts.get(0) + " " + parts.get(1), ranks.size());
                    if (vocab.putIfAbsent(parts.get(0) + parts.get(1), next) == null) next++;
                }
            }
        }
        return tokenizerJson(List.of(), vocab, new ArrayList<>(ranks.keySet()));
    }

    /** GPT-2's pre-tokenizer pattern (what ByteLevel with use_regex splits on). */
    private static final java.util.regex.Pattern PRE_TOKEN =
            java.util.regex.Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    /** BPE on one word: merge the adjacent pair of lowest rank (leftmost first) until none is known. */
    private static List<String> bpe(String word, Map<String, Integer> ranks) {
        List<String> parts = new ArrayList<>();
        word.codePoints().forEach(c -> parts.add(new String(Character.toChars(c))));
        while (true) {
            int best = -1, bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = ranks.get(parts.get(i) + " " + parts.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) return parts;
            parts.set(best, parts.get(best) + parts.remove(best + 1));
        }
    }

    private static Map<String, Integer> byteVocabulary() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        int[] byteToChar = byteToUnicode();
        for (int b = 0; b < 256; b++) vocab.put(new String(Character.toChars(byteToChar[b])), b);
        return vocab;
    }

    private static String tokenizerJson(List<String> moreSpecial, Map<String, Integer> vocab, List<String> merges) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode addedTokens = root.putArray("added_tokens");
        List<String> specials = new ArrayList<>(List.of("<|endoftext|>"));
        specials.addAll(moreSpecial);
        for (int i = 0; i < specials.size(); i++)
            addedTokens.addObject().put("id", END_OF_TEXT_ID + i).put("content", specials.get(i)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return new ObjectMapper().writeValueAsString(root);   // compact: 64k added tokens
    }

    /** The GPT-2 byte → printable character table. */
    static int[] byteToUnicode() {
        int[] map = new int[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) map[b] = direct[b] ? b : 256 + next++;
        return map;
    }
}
