/*
 * The real-time data as Java sees it: the af_shim_api table (capture ring, block records, clips, transport,
 * parameters). See rt.c for the hand-off protocol with the audio thread.
 * Thread contract: every function here runs on a Java thread or a host non-audio thread, never the audio thread;
 * they may block briefly (a clip replacement waits for the audio thread to leave its current block).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "af_internal.h"

static af_instance *I(int64_t h) { return (af_instance *)(intptr_t)h; }
static double bitsd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

int af_rt_wait_quiescent(af_instance *in) {
    uint64_t e = atomic_load_explicit(&in->epoch, memory_order_seq_cst);
    if (!(e & 1)) return 1;
    for (int i = 0; i < 50000; i++) {   /* 5 s: a block never takes that long unless the host froze its thread */
        if (atomic_load_explicit(&in->epoch, memory_order_acquire) != e) return 1;
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    af_log("the audio thread has stayed in one block for 5 s; the replaced buffer is kept instead of freed");
    return 0;
}

static int64_t s_capture_total(int64_t h) { return atomic_load_explicit(&I(h)->captureTotal, memory_order_acquire); }

static int32_t s_capture_capacity(int64_t h) {
    af_instance *in = I(h);
    pthread_mutex_lock(&in->lock);
    af_ring *r = atomic_load(&in->ring);
    int32_t c = r ? (int32_t)r->capacity : 0;
    pthread_mutex_unlock(&in->lock);
    return c;
}

/*
 * Copies, then checks what the audio thread may have written meanwhile: frame f shares its slot with frame
 * f + ring->frames, so it was stable during the copy iff f + ring->frames ≥ captureWriting read after the copy
 * (seqlock order: relaxed data loads, acquire fence, then the marker; the writer stores the marker, then a release
 * fence, then the data). The ring is 2 s plus a block larger than what readers may ask for, so when the copy starts
 * no frame in it is being written, and only a writer that laps the reader during the copy makes it discard frames.
 */
static int32_t s_capture_read(int64_t h, int64_t from, float *dst, int32_t frames) {
    af_instance *in = I(h);
    if (frames <= 0 || !dst) return 0;
    pthread_mutex_lock(&in->lock);   /* the ring is not swapped and freed while we read it */
    af_ring *ring = atomic_load(&in->ring);
    int64_t total = atomic_load_explicit(&in->captureTotal, memory_order_acquire);
    int64_t oldest = ring ? total - ring->capacity : total;
    if (ring && oldest < ring->firstFrame) oldest = ring->firstFrame;
    if (oldest < 0) oldest = 0;
    int64_t n = 0;
    if (ring && from >= oldest && from < total) {
        n = total - from < frames ? total - from : frames;
        for (int64_t i = 0; i < n; i++) {
            int64_t r = (from + i) % ring->frames;
            dst[2 * i] = atomic_load_explicit(&ring->data[2 * r], memory_order_relaxed);
            dst[2 * i + 1] = atomic_load_explicit(&ring->data[2 * r + 1], memory_order_relaxed);
        }
        atomic_thread_fence(memory_order_acquire);
        int64_t writing = atomic_load_explicit(&in->captureWriting, memory_order_relaxed);
        if (from + ring->frames < writing) n = 0;   /* the start itself was overwritten: too old by now */
    }
    pthread_mutex_unlock(&in->lock);
    return (int32_t)n;
}

static int64_t s_block_seq(int64_t h) { return atomic_load_explicit(&I(h)->blockSeq, memory_order_acquire); }

/* The same check for block records: record s shares its slot with record s + AF_BLOCK_RECORDS. */
static int32_t s_capture_blocks(int64_t h, int64_t fromSeq, int64_t *dst, int32_t max) {
    af_instance *in = I(h);
    if (max <= 0 || !dst) return 0;
    int64_t seq = atomic_load_explicit(&in->blockSeq, memory_order_acquire);
    if (fromSeq < seq - AF_BLOCK_RECORDS + 1) fromSeq = seq - AF_BLOCK_RECORDS + 1;
    if (fromSeq < 0) fromSeq = 0;
    int32_t n = 0;
    for (int64_t s = fromSeq; s < seq && n < max; s++, n++) {
        af_block_record *b = &in->blocks[s % AF_BLOCK_RECORDS];
        dst[4 * n] = atomic_load_explicit(&b->ringStart, memory_order_relaxed);
        dst[4 * n + 1] = atomic_load_explicit(&b->timeline, memory_order_relaxed);
        dst[4 * n + 2] = atomic_load_explicit(&b->frames, memory_order_relaxed);
        dst[4 * n + 3] = atomic_load_explicit(&b->flags, memory_order_relaxed);
    }
    atomic_thread_fence(memory_order_acquire);
    int64_t writing = atomic_load_explicit(&in->blockWriting, memory_order_relaxed);
    int64_t firstSafe = writing - AF_BLOCK_RECORDS + 1;
    if (firstSafe > fromSeq) {
        int32_t drop = firstSafe - fromSeq >= n ? n : (int32_t)(firstSafe - fromSeq);
        memmove(dst, dst + 4 * drop, sizeof(int64_t) * 4 * (size_t)(n - drop));
        n -= drop;
    }
    return n;
}

/* Publishes a copy of the clip, then frees the one it replaced once the audio thread cannot be reading it. */
static int32_t s_clip_set(int64_t h, int32_t slot, const float *data, int64_t frames, int64_t start, float gain) {
    af_instance *in = I(h);
    if (slot < 0 || slot >= AF_MAX_CLIPS || frames <= 0 || frames > (INT64_C(1) << 32) || !data) return -1;
    af_clip *c = malloc(sizeof *c);
    float *copy = malloc(sizeof(float) * 2 * (size_t)frames);
    if (!c || !copy) { free(c); free(copy); return -2; }
    memcpy(copy, data, sizeof(float) * 2 * (size_t)frames);
    c->data = copy;
    c->frames = frames;
    c->timelineStart = start;
    c->gain = gain;
    af_clip *old = atomic_exchange_explicit(&in->clips[slot], c, memory_order_seq_cst);
    if (old && af_rt_wait_quiescent(in)) { free(old->data); free(old); }
    return 0;
}

static int32_t s_clip_clear(int64_t h, int32_t slot) {
    af_instance *in = I(h);
    if (slot < 0 || slot >= AF_MAX_CLIPS) return -1;
    af_clip *old = atomic_exchange_explicit(&in->clips[slot], NULL, memory_order_seq_cst);
    if (old && af_rt_wait_quiescent(in)) { free(old->data); free(old); }
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
    if (!af_param_valid(id, v)) return;
    af_set_param(in, id, v);
    pthread_mutex_lock(&in->lock);
    FUnknown *handler = in->componentHandler;
    if (handler) handler->vtbl->addRef(handler);
    pthread_mutex_unlock(&in->lock);
    if (handler) {
        const IComponentHandlerVtbl *hv = (const IComponentHandlerVtbl *)handler->vtbl;
        hv->beginEdit(handler, (ParamID)id);
        hv->performEdit(handler, (ParamID)id, af_param(in, id));
        hv->endEdit(handler, (ParamID)id);
        handler->vtbl->release(handler);
    }
}

static void s_stream_write(int64_t stream, const void *data, int32_t len) {
    af_stream_write((FUnknown *)(intptr_t)stream, data, len);
}

static void s_log(const char *m) { af_log("java: %s", m ? m : "(null)"); }

static int64_t s_audio_java(int64_t h) { return atomic_load(&I(h)->javaCallsOnAudioThread); }

static const af_shim_api shimApi = {
    AF_BRIDGE_VERSION, s_capture_total, s_capture_capacity, s_capture_read, s_capture_blocks, s_block_seq,
    s_clip_set, s_clip_clear, s_transport, s_param_get, s_param_edit, s_stream_write, s_log, s_audio_java
};

const af_shim_api *af_shim_api_table(void) { return &shimApi; }
