/*
 * The real-time path: everything the host's audio thread runs, and nothing else.
 *
 * Thread contract: af_process_block is called only from the host's audio thread, inside IAudioProcessor::process,
 * one call at a time per instance. It never enters Java, never takes a lock, never allocates, never waits, and never
 * calls anything that might (the C test host interposes malloc/free and the pthread locks around process() and
 * fails if one is called). It reads data other threads publish only through atomics.
 *
 * The hand-off with the other threads (C11 memory model):
 * - `epoch` is incremented twice per block: seq_cst at entry (odd = inside) and release at exit (even = outside).
 *   Each clip pointer and the ring pointer are loaded once per block, seq_cst, after the entry increment.
 * - A writer (capture.c, instance.c) publishes a new pointer with a seq_cst exchange, then loads `epoch` (seq_cst).
 *   All four operations are seq_cst, so they are in one total order S. If the writer's load sees an even value, the
 *   next entry increment comes after it in S, hence after the exchange, and that block's pointer loads (later in S)
 *   see the new pointer: the old one can be freed. If it sees an odd value e, the block that is running may hold
 *   the old pointer; the writer waits until `epoch` ≠ e (acquire), which synchronizes with the exit increment
 *   (release), so every read of the old clip happens-before the free. Blocks after that entered after the writer's
 *   load in S (their increment is coherence-ordered after the value the writer read), so they see the new pointer.
 * - Captured samples and block records are relaxed atomics; `captureWriting` (release, before the samples are
 *   written) and `captureTotal` (release, after) tell readers which frames may be changing; see capture.c.
 */
#include <math.h>
#include <string.h>
#include "af_internal.h"

#define CHUNK 256   /* frames per inner pass: the dry input is copied to the stack (no allocation) */
#define BYPASS_RAMP_SECONDS 0.01

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static void store_t(af_instance *in, int i, double v) {
    atomic_store_explicit(&in->transportBits[i], dbits(v), memory_order_relaxed);
}

/* The last point of each queue in the block wins (mix, gain and bypass need no sample accuracy). */
static void read_params(af_instance *in, ProcessData *d) {
    FUnknown *changes = (FUnknown *)d->inputParameterChanges;
    if (!changes) return;
    const IParameterChangesVtbl *pc = (const IParameterChangesVtbl *)changes->vtbl;
    int32_t n = pc->getParameterCount(changes);
    for (int32_t i = 0; i < n; i++) {
        FUnknown *q = pc->getParameterData(changes, i);
        if (!q) continue;
        const IParamValueQueueVtbl *qv = (const IParamValueQueueVtbl *)q->vtbl;
        ParamID id = qv->getParameterId(q);
        int32_t points = qv->getPointCount(q);
        if (id >= AF_PARAM_COUNT || points <= 0) continue;
        int32_t off;
        ParamValue v;
        if (qv->getPoint(q, points - 1, &off, &v) == kResultOk) af_set_param(in, (int)id, v);   /* sanitized */
    }
}

/* Notes: pitch 60 + k starts clip k from its beginning (a one-shot); note-off stops it. */
static void read_notes(af_instance *in, ProcessData *d) {
    FUnknown *events = (FUnknown *)d->inputEvents;
    if (!events) return;
    const IEventListVtbl *ev = (const IEventListVtbl *)events->vtbl;
    int32_t n = ev->getEventCount(events);
    for (int32_t i = 0; i < n; i++) {
        Event e;
        if (ev->getEvent(events, i, &e) != kResultOk) continue;
        int32_t off = e.sampleOffset < 0 ? 0 : e.sampleOffset;
        if (e.type == kNoteOnEvent) {
            int k = e.noteOn.pitch - 60;
            if (k >= 0 && k < AF_MAX_CLIPS) in->voicePos[k] = -(int64_t)off - 2;
        } else if (e.type == kNoteOffEvent) {
            int k = e.noteOff.pitch - 60;
            if (k >= 0 && k < AF_MAX_CLIPS) in->voicePos[k] = -1;
        }
    }
}

/* One bus's channel pointers, whatever the sample size; NULL where the host gave none. */
typedef struct { float *f[2]; double *d[2]; int channels; } bus;

static bus bus_of(AudioBusBuffers *b, int count, int size64) {
    bus r = {{0}, {0}, 0};
    if (count < 1 || !b || b[0].numChannels < 1) return r;
    if (size64 ? !b[0].channelBuffers64 : !b[0].channelBuffers32) return r;
    r.channels = b[0].numChannels;
    for (int c = 0; c < 2; c++) {
        int src = c < r.channels ? c : 0;   /* a mono bus feeds both sides */
        if (size64) r.d[c] = b[0].channelBuffers64[src];
        else r.f[c] = b[0].channelBuffers32[src];
    }
    return r;
}
static inline double sample_at(const bus *b, int c, int32_t i) {
    return b->d[c] ? b->d[c][i] : b->f[c] ? (double)b->f[c][i] : 0.0;
}
static inline void sample_put(bus *b, int c, int32_t i, double v) {
    if (b->d[c]) b->d[c][i] = v;
    else if (b->f[c]) b->f[c][i] = (float)v;
}

static void capture(af_instance *in, af_ring *ring, const bus *inb, int32_t n, int64_t pos, int playing) {
    int64_t total = atomic_load_explicit(&in->captureTotal, memory_order_relaxed);
    /* Readers must not trust frames up to total + n − frames from here on (capture.c). */
    int64_t seq = atomic_load_explicit(&in->blockSeq, memory_order_relaxed);
    atomic_store_explicit(&in->captureWriting, total + n, memory_order_release);
    atomic_store_explicit(&in->blockWriting, seq, memory_order_release);
    atomic_thread_fence(memory_order_release);
    for (int32_t i = 0; i < n; i++) {
        int64_t r = (total + i) % ring->frames;
        atomic_store_explicit(&ring->data[2 * r], (float)sample_at(inb, 0, i), memory_order_relaxed);
        atomic_store_explicit(&ring->data[2 * r + 1], (float)sample_at(inb, 1, i), memory_order_relaxed);
    }
    af_block_record *b = &in->blocks[seq % AF_BLOCK_RECORDS];
    atomic_store_explicit(&b->ringStart, total, memory_order_relaxed);
    atomic_store_explicit(&b->timeline, pos, memory_order_relaxed);
    atomic_store_explicit(&b->frames, n, memory_order_relaxed);
    atomic_store_explicit(&b->flags, playing, memory_order_relaxed);
    atomic_store_explicit(&in->captureTotal, total + n, memory_order_release);
    atomic_store_explicit(&in->blockSeq, seq + 1, memory_order_release);
}

/* 1 if clip k sounds at block frame i (advancing its note voice), with the frame index in *idx. */
static inline int clip_frame(af_instance *in, const af_clip *c, int k, int playing, int64_t pos, int32_t i, int64_t *idx) {
    int64_t at = -1;
    if (playing) {
        int64_t rel = pos + i - c->timelineStart;
        if (rel >= 0 && rel < c->frames) at = rel;
    }
    int64_t vp = in->voicePos[k];
    if (vp <= -2 && i >= -(vp + 2)) { in->voicePos[k] = 0; vp = 0; }
    if (vp >= 0) {
        if (vp < c->frames) { at = vp; in->voicePos[k] = vp + 1; }
        else in->voicePos[k] = -1;
    }
    *idx = at;
    return at >= 0;
}

void af_process_block(af_instance *in, ProcessData *d) {
    atomic_fetch_add_explicit(&in->epoch, 1, memory_order_seq_cst);   /* odd: inside */
    af_clip *clips[AF_MAX_CLIPS];
    for (int k = 0; k < AF_MAX_CLIPS; k++) clips[k] = atomic_load_explicit(&in->clips[k], memory_order_seq_cst);
    af_ring *ring = atomic_load_explicit(&in->ring, memory_order_seq_cst);

    int32_t n = d->numSamples > 0 ? d->numSamples : 0;
    int size64 = d->symbolicSampleSize == kSample64;
    read_params(in, d);
    read_notes(in, d);

    ProcessContext *ctx = d->processContext;
    double rate = atomic_load_explicit(&in->sampleRate, memory_order_relaxed);
    int playing = ctx ? (ctx->state & kPlaying) != 0 : 0;
    int64_t pos = ctx ? ctx->projectTimeSamples : 0;
    store_t(in, AF_T_SAMPLE_RATE, ctx && ctx->sampleRate > 0 ? ctx->sampleRate : rate);
    if (ctx && (ctx->state & kTempoValid)) store_t(in, AF_T_TEMPO, ctx->tempo);
    if (ctx && (ctx->state & kTimeSigValid)) {
        store_t(in, AF_T_TIMESIG_NUM, ctx->timeSigNumerator);
        store_t(in, AF_T_TIMESIG_DEN, ctx->timeSigDenominator);
    }
    store_t(in, AF_T_PLAYING, playing);
    store_t(in, AF_T_PROJECT_SAMPLES, (double)pos);
    store_t(in, AF_T_MAX_BLOCK, atomic_load_explicit(&in->maxBlock, memory_order_relaxed));

    bus inb = bus_of(d->inputs, d->numInputs, size64);
    bus outb = bus_of(d->outputs, d->numOutputs, size64);
    if (outb.channels == 1) outb.f[1] = NULL, outb.d[1] = NULL;   /* a mono output takes the left side only */

    /* Capture: the ring keeps the last 10 minutes; each block records its timeline position. */
    if (inb.channels > 0 && n > 0 && ring) capture(in, ring, &inb, n, pos, playing);

    /* Output: gain · ((1 − mix) · dry + mix · wet), where wet is the clips' sum on samples a clip covers and the
     * dry input elsewhere, so with nothing rendered the track passes through unchanged. Bypass crossfades to the
     * dry input over 10 ms. Computed in double, so 64-bit hosts get their input back bit for bit when bypassed. */
    if (outb.channels > 0 && n > 0) {
        double mix = af_param(in, AF_PARAM_MIX);
        double gain = pow(10.0, af_gain_db(af_param(in, AF_PARAM_GAIN)) / 20.0);
        double bypassTarget = af_param(in, AF_PARAM_BYPASS) >= 0.5 ? 1.0 : 0.0;
        double step = 1.0 / (BYPASS_RAMP_SECONDS * (rate > 0 ? rate : 48000.0));
        int anyNonZero[2] = {0, 0};
        for (int32_t base = 0; base < n; base += CHUNK) {
            int32_t m = n - base < CHUNK ? n - base : CHUNK;
            double dry[2][CHUNK];   /* read before writing: hosts may process in place */
            for (int c = 0; c < 2; c++)
                for (int32_t j = 0; j < m; j++) dry[c][j] = sample_at(&inb, c, base + j);
            for (int32_t j = 0; j < m; j++) {
                int32_t i = base + j;
                double wl = 0, wr = 0;
                int covered = 0;
                for (int k = 0; k < AF_MAX_CLIPS; k++) {
                    const af_clip *c = clips[k];
                    int64_t idx;
                    if (c && clip_frame(in, c, k, playing, pos, i, &idx)) {
                        wl += c->data[2 * idx] * c->gain;
                        wr += c->data[2 * idx + 1] * c->gain;
                        covered = 1;
                    }
                }
                if (!covered) { wl = dry[0][j]; wr = dry[1][j]; }
                double l = gain * ((1 - mix) * dry[0][j] + mix * wl);
                double r = gain * ((1 - mix) * dry[1][j] + mix * wr);
                if (in->bypassMix != bypassTarget) {
                    in->bypassMix += bypassTarget > in->bypassMix ? step : -step;
                    if (in->bypassMix < 0 || in->bypassMix > 1 || fabs(in->bypassMix - bypassTarget) < step) in->bypassMix = bypassTarget;
                }
                if (in->bypassMix == 1.0) { l = dry[0][j]; r = dry[1][j]; }
                else if (in->bypassMix > 0) {
                    l += in->bypassMix * (dry[0][j] - l);
                    r += in->bypassMix * (dry[1][j] - r);
                }
                sample_put(&outb, 0, i, l);
                sample_put(&outb, 1, i, r);
                anyNonZero[0] |= l != 0;
                anyNonZero[1] |= r != 0;
            }
        }
        /* Channels beyond stereo are silent; the silence flags tell the host which channels are all zeros. */
        uint64_t silence = 0;
        for (int c = 0; c < d->outputs[0].numChannels && c < 64; c++) {
            if (c >= 2) {
                void *buf = size64 ? (void *)d->outputs[0].channelBuffers64[c] : (void *)d->outputs[0].channelBuffers32[c];
                if (buf) memset(buf, 0, (size64 ? sizeof(double) : sizeof(float)) * (size_t)n);
                silence |= 1ull << c;
            } else if (!anyNonZero[c]) {
                silence |= 1ull << c;
            }
        }
        d->outputs[0].silenceFlags = silence;
    } else if (d->numOutputs > 0 && d->outputs) {
        d->outputs[0].silenceFlags = 0;
    }
    atomic_fetch_add_explicit(&in->blocksProcessed, 1, memory_order_relaxed);
    store_t(in, AF_T_BLOCKS, (double)atomic_load_explicit(&in->blocksProcessed, memory_order_relaxed));
    atomic_fetch_add_explicit(&in->epoch, 1, memory_order_release);   /* even: outside */
}
