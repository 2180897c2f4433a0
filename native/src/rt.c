/*
 * The real-time path, in C only: process() copies the input into the capture ring with its timeline position and
 * mixes the published clips into the output. No Java, no lock, no allocation on the audio thread. Java fills and
 * drains these buffers from its own threads through the af_shim_api functions at the end of this file.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "af_internal.h"

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double bitsd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

af_instance *af_instance_new(void) {
    af_instance *in = calloc(1, sizeof *in);
    if (!in) return NULL;
    in->ringFrames = 48000 * AF_CAPTURE_SECONDS;
    in->ring = calloc((size_t)in->ringFrames * 2, sizeof(float));
    in->blocks = calloc(AF_BLOCK_RECORDS, sizeof(af_block_record));
    if (!in->ring || !in->blocks) { free(in->ring); free(in->blocks); free(in); return NULL; }
    pthread_mutex_init(&in->lock, NULL);
    af_set_param(in, AF_PARAM_MIX, 1.0);
    af_set_param(in, AF_PARAM_GAIN, 60.0 / 72.0);
    for (int i = 0; i < AF_MAX_CLIPS; i++) in->voicePos[i] = -1;
    in->sampleRate = 48000;
    return in;
}

void af_instance_free(af_instance *in) {
    if (!in) return;
    for (int i = 0; i < AF_MAX_CLIPS; i++) {
        af_clip *c = atomic_exchange(&in->clips[i], NULL);
        if (c) { free(c->data); free(c); }
    }
    free(in->ring);
    free(in->blocks);
    free(in->pendingState);
    pthread_mutex_destroy(&in->lock);
    free(in);
}

double af_param(af_instance *in, int id) { return bitsd(atomic_load(&in->paramBits[id])); }
void af_set_param(af_instance *in, int id, double v) {
    if (v < 0) v = 0;
    if (v > 1) v = 1;
    atomic_store(&in->paramBits[id], dbits(v));
}
double af_gain_db(double normalized) { return -60.0 + 72.0 * normalized; }

static void store_t(af_instance *in, int i, double v) { atomic_store_explicit(&in->transportBits[i], dbits(v), memory_order_relaxed); }

/* Sample-accurate enough for mix/gain: the last point of each queue in the block wins. */
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
        if (qv->getPoint(q, points - 1, &off, &v) == kResultOk) af_set_param(in, (int)id, v);
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
        if (e.type == kNoteOnEvent) {
            int k = e.noteOn.pitch - 60;
            if (k >= 0 && k < AF_MAX_CLIPS) in->voicePos[k] = -(int64_t)e.sampleOffset - 2;   /* starts at offset */
        } else if (e.type == kNoteOffEvent) {
            int k = e.noteOff.pitch - 60;
            if (k >= 0 && k < AF_MAX_CLIPS) in->voicePos[k] = -1;
        }
    }
}

void af_process_block(af_instance *in, ProcessData *d) {
    atomic_store_explicit(&in->inProcess, 1, memory_order_seq_cst);
    int32_t n = d->numSamples;
    read_params(in, d);
    read_notes(in, d);

    ProcessContext *ctx = d->processContext;
    int playing = ctx ? (ctx->state & kPlaying) != 0 : 0;
    int64_t pos = ctx ? ctx->projectTimeSamples : 0;
    store_t(in, AF_T_SAMPLE_RATE, ctx && ctx->sampleRate > 0 ? ctx->sampleRate : in->sampleRate);
    if (ctx && (ctx->state & kTempoValid)) store_t(in, AF_T_TEMPO, ctx->tempo);
    if (ctx && (ctx->state & kTimeSigValid)) {
        store_t(in, AF_T_TIMESIG_NUM, ctx->timeSigNumerator);
        store_t(in, AF_T_TIMESIG_DEN, ctx->timeSigDenominator);
    }
    store_t(in, AF_T_PLAYING, playing);
    store_t(in, AF_T_PROJECT_SAMPLES, (double)pos);
    store_t(in, AF_T_MAX_BLOCK, in->maxBlock);

    float *inL = NULL, *inR = NULL, *outL = NULL, *outR = NULL;
    if (d->numInputs > 0 && d->inputs && d->inputs[0].numChannels > 0 && d->inputs[0].channelBuffers32) {
        inL = d->inputs[0].channelBuffers32[0];
        inR = d->inputs[0].numChannels > 1 ? d->inputs[0].channelBuffers32[1] : inL;
    }
    if (d->numOutputs > 0 && d->outputs && d->outputs[0].numChannels > 0 && d->outputs[0].channelBuffers32) {
        outL = d->outputs[0].channelBuffers32[0];
        outR = d->outputs[0].numChannels > 1 ? d->outputs[0].channelBuffers32[1] : NULL;
    }

    /* Capture: the ring keeps the last AF_CAPTURE_SECONDS; each block records its timeline position. */
    if (inL && n > 0) {
        int64_t total = atomic_load_explicit(&in->captureTotal, memory_order_relaxed);
        for (int32_t i = 0; i < n; i++) {
            int64_t r = (total + i) % in->ringFrames;
            in->ring[2 * r] = inL[i];
            in->ring[2 * r + 1] = inR[i];
        }
        int64_t seq = atomic_load_explicit(&in->blockSeq, memory_order_relaxed);
        af_block_record *b = &in->blocks[seq % AF_BLOCK_RECORDS];
        b->ringStart = total;
        b->timeline = pos;
        b->frames = n;
        b->flags = playing;
        atomic_store_explicit(&in->captureTotal, total + n, memory_order_release);
        atomic_store_explicit(&in->blockSeq, seq + 1, memory_order_release);
    }

    /* Output: gain · ((1 − mix) · dry + mix · wet), where wet is the clips' sum on samples a clip covers and the
     * dry input elsewhere, so with nothing rendered the track passes through unchanged. */
    if (outL) {
        double mix = af_param(in, AF_PARAM_MIX);
        float gain = (float)pow(10.0, af_gain_db(af_param(in, AF_PARAM_GAIN)) / 20.0);
        for (int32_t i = 0; i < n; i++) {
            float dl = inL ? inL[i] : 0.f, dr = inL ? inR[i] : 0.f;
            float wl = 0.f, wr = 0.f;
            int covered = 0;
            for (int k = 0; k < AF_MAX_CLIPS; k++) {
                af_clip *c = atomic_load_explicit(&in->clips[k], memory_order_acquire);
                if (!c) continue;
                int64_t idx = -1;
                if (playing) {
                    int64_t rel = pos + i - c->timelineStart;
                    if (rel >= 0 && rel < c->frames) idx = rel;
                }
                int64_t vp = in->voicePos[k];
                if (vp <= -2 && i >= -(vp + 2)) { in->voicePos[k] = 0; vp = 0; }
                if (vp >= 0) {
                    if (vp < c->frames) { idx = vp; in->voicePos[k] = vp + 1; }
                    else in->voicePos[k] = -1;
                }
                if (idx >= 0) {
                    wl += c->data[2 * idx] * c->gain;
                    wr += c->data[2 * idx + 1] * c->gain;
                    covered = 1;
                }
            }
            if (!covered) { wl = dl; wr = dr; }
            float l = gain * (float)((1 - mix) * dl + mix * wl);
            float r = gain * (float)((1 - mix) * dr + mix * wr);
            outL[i] = l;
            if (outR) outR[i] = r;
        }
        for (int c = 2; c < d->outputs[0].numChannels; c++)
            memset(d->outputs[0].channelBuffers32[c], 0, sizeof(float) * (size_t)n);
        d->outputs[0].silenceFlags = 0;
    }
    atomic_fetch_add_explicit(&in->blocksProcessed, 1, memory_order_release);
    store_t(in, AF_T_BLOCKS, (double)atomic_load(&in->blocksProcessed));
    atomic_store_explicit(&in->inProcess, 0, memory_order_seq_cst);
}

/* ---------------- the API Java calls (never on the audio thread) ---------------- */

static af_instance *I(int64_t h) { return (af_instance *)(intptr_t)h; }

static int64_t s_capture_total(int64_t h) { return atomic_load_explicit(&I(h)->captureTotal, memory_order_acquire); }
static int32_t s_capture_capacity(int64_t h) { return I(h)->ringFrames; }

static int32_t s_capture_read(int64_t h, int64_t from, float *dst, int32_t frames) {
    af_instance *in = I(h);
    int64_t total = atomic_load_explicit(&in->captureTotal, memory_order_acquire);
    int64_t oldest = total - in->ringFrames;
    if (oldest < 0) oldest = 0;
    if (from < oldest || from >= total || frames <= 0) return 0;
    int64_t n = total - from < frames ? total - from : frames;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = (from + i) % in->ringFrames;
        dst[2 * i] = in->ring[2 * r];
        dst[2 * i + 1] = in->ring[2 * r + 1];
    }
    return (int32_t)n;
}

static int64_t s_block_seq(int64_t h) { return atomic_load_explicit(&I(h)->blockSeq, memory_order_acquire); }

static int32_t s_capture_blocks(int64_t h, int64_t fromSeq, int64_t *dst, int32_t max) {
    af_instance *in = I(h);
    int64_t seq = atomic_load_explicit(&in->blockSeq, memory_order_acquire);
    if (fromSeq < seq - AF_BLOCK_RECORDS) fromSeq = seq - AF_BLOCK_RECORDS;
    if (fromSeq < 0) fromSeq = 0;
    int32_t n = 0;
    for (int64_t s = fromSeq; s < seq && n < max; s++, n++) {
        af_block_record *b = &in->blocks[s % AF_BLOCK_RECORDS];
        dst[4 * n] = b->ringStart;
        dst[4 * n + 1] = b->timeline;
        dst[4 * n + 2] = b->frames;
        dst[4 * n + 3] = b->flags;
    }
    return n;
}

/* Waits until the audio thread is outside process() or has finished the block it was in. */
static void wait_quiescent(af_instance *in) {
    int64_t start = atomic_load(&in->blocksProcessed);
    for (int spins = 0; spins < 2000; spins++) {
        if (!atomic_load(&in->inProcess) || atomic_load(&in->blocksProcessed) != start) return;
        struct timespec ts = {0, 500000};
        nanosleep(&ts, NULL);
    }
}

static void retire(af_instance *in, af_clip *old) {
    if (!old) return;
    wait_quiescent(in);
    free(old->data);
    free(old);
}

static int32_t s_clip_set(int64_t h, int32_t slot, const float *data, int64_t frames, int64_t start, float gain) {
    af_instance *in = I(h);
    if (slot < 0 || slot >= AF_MAX_CLIPS || frames <= 0 || !data) return -1;
    af_clip *c = malloc(sizeof *c);
    float *copy = malloc(sizeof(float) * 2 * (size_t)frames);
    if (!c || !copy) { free(c); free(copy); return -2; }
    memcpy(copy, data, sizeof(float) * 2 * (size_t)frames);
    c->data = copy;
    c->frames = frames;
    c->timelineStart = start;
    c->gain = gain;
    pthread_mutex_lock(&in->lock);
    af_clip *old = atomic_exchange_explicit(&in->clips[slot], c, memory_order_acq_rel);
    retire(in, old);
    pthread_mutex_unlock(&in->lock);
    return 0;
}

static int32_t s_clip_clear(int64_t h, int32_t slot) {
    af_instance *in = I(h);
    if (slot < 0 || slot >= AF_MAX_CLIPS) return -1;
    pthread_mutex_lock(&in->lock);
    retire(in, atomic_exchange_explicit(&in->clips[slot], NULL, memory_order_acq_rel));
    pthread_mutex_unlock(&in->lock);
    return 0;
}

static void s_transport(int64_t h, double *out) {
    for (int i = 0; i < AF_T_COUNT; i++) out[i] = bitsd(atomic_load_explicit(&I(h)->transportBits[i], memory_order_relaxed));
}

static double s_param_get(int64_t h, int32_t id) {
    if (id < 0 || id >= AF_PARAM_COUNT) return 0;
    return af_param(I(h), id);
}

static void s_param_edit(int64_t h, int32_t id, double v) {
    af_instance *in = I(h);
    if (id < 0 || id >= AF_PARAM_COUNT) return;
    af_set_param(in, id, v);
    pthread_mutex_lock(&in->lock);
    FUnknown *handler = in->componentHandler;
    pthread_mutex_unlock(&in->lock);
    if (handler) {
        const IComponentHandlerVtbl *hv = (const IComponentHandlerVtbl *)handler->vtbl;
        hv->beginEdit(handler, (ParamID)id);
        hv->performEdit(handler, (ParamID)id, v);
        hv->endEdit(handler, (ParamID)id);
    }
}

static void s_stream_write(int64_t stream, const void *data, int32_t len) {
    af_stream_write((FUnknown *)(intptr_t)stream, data, len);
}

static void s_log(const char *m) { af_log("java: %s", m); }

static int64_t s_audio_java(int64_t h) { return atomic_load(&I(h)->javaCallsOnAudioThread); }

static const af_shim_api shimApi = {
    AF_BRIDGE_VERSION, s_capture_total, s_capture_capacity, s_capture_read, s_capture_blocks, s_block_seq,
    s_clip_set, s_clip_clear, s_transport, s_param_get, s_param_edit, s_stream_write, s_log, s_audio_java
};

const af_shim_api *af_shim_api_table(void) { return &shimApi; }
