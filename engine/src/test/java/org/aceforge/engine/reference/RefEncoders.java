package org.aceforge.engine.reference;

import org.aceforge.engine.model.AceStepConfig;
import org.aceforge.engine.model.AttentionShape;
import org.aceforge.engine.model.Qwen3Config;
import org.aceforge.engine.nets.Fsq;
import org.aceforge.engine.tensors.WeightSource;

import java.util.ArrayList;
import java.util.List;

/** Double-precision references of the condition encoder, the audio tokenizer/detokenizer and the Qwen3 text encoder. */
public final class RefEncoders {
    private RefEncoders() {}

    static double[][] layers(WeightSource w, double[][] h, AceStepConfig c, int n) {
        AttentionShape a = c.attention();
        for (int i = 0; i < n; i++)
            h = Ref.encoderLayer(w.sub("layers." + i + "."), h, a, c.sliding(i) ? Ref.window(c.slidingWindow()) : null);
        return Ref.rmsNorm(h, w.doubles("norm.weight"), a.eps());
    }

    /** lyrics ‖ one timbre row per reference ‖ projected caption. */
    public static double[][] conditionEncoder(AceStepConfig c, WeightSource all, double[][] text, double[][] lyrics, List<double[][]> refs) {
        WeightSource w = all.sub("encoder.");
        double[][] tp = Ref.linear(text, w.get("text_projector.weight"), null);
        WeightSource lw = w.sub("lyric_encoder.");
        double[][] ly = layers(lw, Ref.linear(lyrics, lw.get("embed_tokens.weight"), lw.get("embed_tokens.bias")), c,
                Math.min(c.numLyricEncoderLayers(), c.numHiddenLayers()));
        WeightSource tw = w.sub("timbre_encoder.");
        List<double[]> out = new ArrayList<>(List.of(ly));
        for (double[][] r : refs)
            out.add(layers(tw, Ref.linear(r, tw.get("embed_tokens.weight"), tw.get("embed_tokens.bias")), c,
                    Math.min(c.numTimbreEncoderLayers(), c.numHiddenLayers()))[0]);
        out.addAll(List.of(tp));
        return out.toArray(new double[0][]);
    }

    /** Returns {indices (as doubles), quantized rows...} for latents [T][C] with T a multiple of the pool window. */
    public static long[] tokenizeIndices(AceStepConfig c, WeightSource all, double[][] lat, List<double[]> quantizedOut) {
        WeightSource w = all.sub("tokenizer.");
        WeightSource pw = w.sub("attention_pooler.");
        int pool = c.poolWindowSize();
        double[][] h = Ref.linear(lat, w.get("audio_acoustic_proj.weight"), w.get("audio_acoustic_proj.bias"));
        long[] codes = new long[lat.length / pool];
        for (int p = 0; p < codes.length; p++) {
            double[][] patch = new double[pool][];
            System.arraycopy(h, p * pool, patch, 0, pool);
            double[][] emb = Ref.linear(patch, pw.get("embed_tokens.weight"), pw.get("embed_tokens.bias"));
            double[][] seq = new double[pool + 1][];
            seq[0] = pw.doubles("special_token");
            System.arraycopy(emb, 0, seq, 1, pool);
            double[] pooled = layers(pw, seq, c, c.numAttentionPoolerLayers())[0];
            double[] z = Ref.linear(new double[][]{pooled}, w.get("quantizer.project_in.weight"), w.get("quantizer.project_in.bias"))[0];
            int[] L = c.fsqLevels();
            long[] basis = Fsq.basis(L);
            double[] vals = new double[L.length];
            long idx = 0;
            for (int d = 0; d < L.length; d++) {
                double cc = 1 + 1.0 / (L[d] - 1);
                double u = Math.max(-1, Math.min(1, cc * Math.tanh(z[d] / cc)));
                long q = (long) Math.floor((L[d] - 1) * (u + 1) / 2 + 0.5);
                q = Math.max(0, Math.min(L[d] - 1, q));
                idx += q * basis[d];
                vals[d] = q / ((L[d] - 1) / 2.0) - 1;
            }
            codes[p] = idx;
            if (quantizedOut != null)
                quantizedOut.add(Ref.linear(new double[][]{vals}, w.get("quantizer.project_out.weight"), w.get("quantizer.project_out.bias"))[0]);
        }
        return codes;
    }

    /** Codes → 25 Hz hints [5·n][C]. */
    public static double[][] detokenize(AceStepConfig c, WeightSource all, long[] codes) {
        WeightSource tw = all.sub("tokenizer.");
        WeightSource w = all.sub("detokenizer.");
        int[] L = c.fsqLevels();
        long[] basis = Fsq.basis(L);
        int pool = c.poolWindowSize(), H = c.hiddenSize();
        double[] special = w.doubles("special_tokens");
        List<double[]> out = new ArrayList<>();
        for (long code : codes) {
            double[] vals = new double[L.length];
            for (int d = 0; d < L.length; d++) vals[d] = ((code / basis[d]) % L[d]) / ((L[d] - 1) / 2.0) - 1;
            double[][] q = Ref.linear(new double[][]{vals}, tw.get("quantizer.project_out.weight"), tw.get("quantizer.project_out.bias"));
            double[] e = Ref.linear(q, w.get("embed_tokens.weight"), w.get("embed_tokens.bias"))[0];
            double[][] seq = new double[pool][H];
            for (int p = 0; p < pool; p++) for (int i = 0; i < H; i++) seq[p][i] = e[i] + special[p * H + i];
            double[][] h = layers(w, seq, c, c.numAttentionPoolerLayers());
            out.addAll(List.of(Ref.linear(h, w.get("proj_out.weight"), w.get("proj_out.bias"))));
        }
        return out.toArray(new double[0][]);
    }

    /** Qwen3 causal forward → last hidden state after the final norm. */
    public static double[][] qwen3(Qwen3Config c, WeightSource w, long[] ids) {
        double[][] emb = Ref.matrix(w.get("embed_tokens.weight"));
        double[][] h = new double[ids.length][];
        for (int i = 0; i < ids.length; i++) h[i] = emb[(int) ids[i]].clone();
        AttentionShape a = c.attention();
        for (int l = 0; l < c.numHiddenLayers(); l++) h = Ref.encoderLayer(w.sub("layers." + l + "."), h, a, Ref.CAUSAL);
        return Ref.rmsNorm(h, w.doubles("norm.weight"), a.eps());
    }
}
