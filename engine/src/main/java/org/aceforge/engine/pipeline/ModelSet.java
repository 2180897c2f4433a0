package org.aceforge.engine.pipeline;

import org.aceforge.engine.model.ModelPack;
import org.aceforge.engine.runtime.GraphCache;

/** The three model folders a render needs, opened together from a checkpoints folder. Worker threads only. */
public final class ModelSet implements AutoCloseable {
    private final ModelPack pack;
    private final ModelPack.Variant variant;
    private final DitModel dit;
    private final VaeModel vae;
    private final TextEncoderModel text;

    public ModelSet(ModelPack pack, ModelPack.Variant variant, GraphCache cache) {
        this(pack, variant, cache, DitOptions.DEFAULT);
    }

    /**
     * The DiT runs with the options (int8, LoRA), the text encoder on INT8 (MatMulNBits) when the DiT uses INT8; the
     * condition encoder, tokenizers and VAE stay fp32.
     */
    public ModelSet(ModelPack pack, ModelPack.Variant variant, GraphCache cache, DitOptions options) {
        pack.validate(variant);
        this.pack = pack;
        this.variant = variant;
        DitModel d = null;
        VaeModel v = null;
        try {
            d = new DitModel(pack.dit(variant), cache, options);
            v = new VaeModel(pack.vae(), cache);
            // The text encoder on INT8 whenever the DiT is, always through MatMulNBits: its activations are quantized
            // per row, and the caption's hidden states steer every step (per-tensor kernels there doubled the
            // render's distance from fp32: final latents 0.7 % → 1.65 %, audio 22 → 17 dB). Where MatMulNBits is not
            // faster than fp32 (AVX2 without VNNI) it stays fp32.
            this.text = new TextEncoderModel(pack.textEncoder(), cache, d.encoderKernel());
        } catch (RuntimeException e) {
            if (d != null) d.close();
            if (v != null) v.close();
            throw e;
        }
        this.dit = d;
        this.vae = v;
    }

    public ModelPack pack() { return pack; }
    public ModelPack.Variant variant() { return variant; }
    public DitModel dit() { return dit; }
    public VaeModel vae() { return vae; }
    public TextEncoderModel text() { return text; }

    /** Frees every network's memory; each opens again on its next use. */
    public void releaseSessions() {
        dit.releaseSessions();
        vae.releaseSessions();
        text.releaseSessions();
    }

    /** Sessions open now (for tests and the offload figures). */
    public int openSessions() {
        return dit.openSessions() + vae.openSessions() + text.openSessions();
    }

    @Override
    public void close() {
        dit.close();
        vae.close();
        text.close();
    }
}
