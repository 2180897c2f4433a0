package org.aceforge.engine.jobs;

import org.aceforge.engine.runtime.MachineMemory;
import org.aceforge.engine.runtime.MemoryTier;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits a request to the machine's memory tier (PRODUCT.md §6, spec §5.1): the duration is held to the tier's longest,
 * a batch larger than the tier allows is rendered a group at a time (every variant still comes back), an LM too
 * large for the tier is replaced by the tier's size (or left out where none fits), and models are offloaded between
 * stages where the tier says so. Every change is said in words.
 */
final class MemoryPolicy {
    /** The request as it will run, how many variants go through the DiT together, and what was changed and why. */
    record Applied(RenderRequest request, int maxBatch, boolean offload, MachineMemory memory, MemoryTier tier, List<String> changes) {
        String summary() {
            return String.format("memory: %s %.1f GB (%s) → %s", memory.device().equals("cuda") ? "GPU" : "free RAM",
                    memory.bytes() / 1e9, memory.source(), tier.name());
        }
    }

    private MemoryPolicy() {}

    static Applied apply(RenderRequest r, MachineMemory mem, boolean offload) {
        MemoryTier tier = mem.tier();
        List<String> changes = new ArrayList<>();
        String where = tier.name() + " (" + String.format("%.0f GB", mem.bytes() / 1e9) + (mem.device().equals("cuda") ? " GPU" : " free RAM") + ")";
        LmRequest lm = r.lm();
        if (lm != null && lm.think() && tier.lmSizes().isEmpty()) {
            changes.add("the 5 Hz LM does not fit in " + where + ": rendering without it");
            lm = null;
        } else if (lm != null && lm.model() != null && !lm.model().equals("auto") && !tier.lmSizes().isEmpty()
                && !tier.lmSizes().contains(size(lm.model()))) {
            String to = tier.lmSizes().get(0);
            changes.add("the " + size(lm.model()) + " LM does not fit in " + where + ": using " + to);
            lm = new LmRequest(lm.think(), to, lm.options(), lm.describe(), lm.chunk(), lm.format(), lm.debug());
        }
        boolean withLm = lm != null;
        Music m = r.music();
        double max = tier.maxSeconds(withLm);
        if (!r.hasSource() && m.duration() > max) {
            changes.add(String.format("duration %.0f s → %.0f s: the longest %s renders%s", m.duration(), max, where, withLm ? " with the LM" : ""));
            m = new Music(m.caption(), m.lyrics(), m.instrumental(), m.language(), m.bpm(), m.key(), m.timeSignature(), max,
                    m.reference(), m.codes(), m.codeStrength());
        }
        int maxBatch = tier.maxBatch(withLm);
        if (r.batch() > maxBatch)
            changes.add("the " + r.batch() + " variants are rendered " + maxBatch + " at a time in " + where);
        boolean off = offload;
        // On a GPU the tier decides; on CPU the system pages rather than fails, and offloading costs a reload per
        // render, so only a machine with little free RAM offloads.
        boolean wantOffload = mem.device().equals("cuda") ? tier.offload() : mem.bytes() < 16e9;
        if (wantOffload && !offload) {
            off = true;
            changes.add("models are freed between stages (offload) in " + where);
        }
        // INT8 as the tier table says, on a GPU only: on CPU RAM is rarely what fails first, and INT8 changes the audio.
        ModelChoice model = r.model();
        if (mem.device().equals("cuda") && tier.int8() && !model.int8()) {
            model = new ModelChoice(model.dir(), model.variant(), true, model.lora(), model.loraScale());
            changes.add("the DiT" + (withLm ? " and the LM" : "") + " run on INT8 weights in " + where);
        }
        RenderRequest out = new RenderRequest(r.task(), r.source(), m, r.sampling(), model, lm, r.output());
        return new Applied(out, maxBatch, off, mem, tier, changes);
    }

    /**
     * Latent frames per VAE decode tile. Each tile carries 64 frames of context on each side that are computed and
     * thrown away, so small tiles waste most of their work: 30 s (750 frames) in tiles of 256 took 49 s on 2 cores,
     * in one tile of 750 26 s (the cost per decoded frame is flat). Larger tiles hold more activations (peak ~3 GB at
     * 256 frames, ~7.6 GB at 750: about 0.7 GB + 9 MB per frame), so the tile follows the memory: on a GPU the
     * reference's table (≥ 24 GB 512, ≥ 16 GB 384, ≥ 12 GB 256, else 128); on CPU the largest of 1024, 512 and 256
     * frames whose peak fits in half the free RAM (256 at least: 8 GB free → 256, 15 GB → 512, 22 GB → 1024). Asked when the
     * decode starts (the models may have been offloaded by then). The property {@code aceforge.vae.chunk} overrides;
     * out of memory, the decode ladder halves it.
     */
    static int vaeTileFrames(MachineMemory mem) {
        Integer forced = Integer.getInteger("aceforge.vae.chunk");
        if (forced != null) return forced;
        double gb = mem.bytes() / 1e9;
        if (mem.device().equals("cuda")) return gb >= 24 ? 512 : gb >= 16 ? 384 : gb >= 12 ? 256 : 128;
        for (int tile : new int[]{1024, 512}) if (0.7 + 0.009 * tile <= gb / 2) return tile;
        return 256;
    }

    private static String size(String lmModel) {
        return lmModel.startsWith(org.aceforge.engine.model.ModelPack.LM_PREFIX) ? lmModel.substring(org.aceforge.engine.model.ModelPack.LM_PREFIX.length()) : lmModel;
    }
}
