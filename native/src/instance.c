/*
 * One plugin instance's native data: creation, the capture ring (sized from the host's sample rate at
 * setupProcessing), parameters, and release.
 * Thread contract: af_instance_new/free and af_instance_setup run on the host's setup (UI) thread, never while the
 * audio thread is inside process() for this instance (the host's contract; setup also waits, see below).
 * af_param/af_set_param are lock-free atomics and may be called from any thread, the audio thread included.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "af_internal.h"

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double bitsd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

double af_param(af_instance *in, int id) { return bitsd(atomic_load_explicit(&in->paramBits[id], memory_order_relaxed)); }

void af_set_param(af_instance *in, int id, double v) {
    if (id < 0 || id >= AF_PARAM_COUNT) return;
    atomic_store_explicit(&in->paramBits[id], dbits(af_param_sanitize(id, v)), memory_order_relaxed);
}

af_instance *af_instance_new(void) {
    af_instance *in = calloc(1, sizeof *in);
    if (!in) return NULL;
    in->blocks = calloc(AF_BLOCK_RECORDS, sizeof(af_block_record));
    if (!in->blocks) { free(in); return NULL; }
    pthread_mutex_init(&in->lock, NULL);
    pthread_mutex_init(&in->javaLock, NULL);
    for (int i = 0; i < AF_PARAM_COUNT; i++) af_set_param(in, i, af_param_default(i));
    for (int i = 0; i < AF_MAX_CLIPS; i++) in->voicePos[i] = -1;
    atomic_store(&in->sampleRate, 48000.0);
    return in;
}

static void free_ring(af_ring *r) {
    if (!r) return;
    free((void *)r->data);
    free(r);
}

/*
 * Allocates a ring for 10 minutes at the host's rate plus headroom, installs it, and frees the old one once the
 * audio thread cannot be reading it. calloc of this size maps fresh pages, so untouched minutes cost no memory.
 */
int af_instance_setup(af_instance *in, double sampleRate, int32_t maxBlock) {
    if (!(sampleRate >= 1000.0 && sampleRate <= 1536000.0) || maxBlock < 0) return -1;
    atomic_store(&in->sampleRate, sampleRate);
    atomic_store(&in->maxBlock, maxBlock);
    af_ring *old = atomic_load(&in->ring);
    int64_t capacity = (int64_t)ceil(sampleRate) * AF_CAPTURE_SECONDS;
    if (old && old->capacity == capacity) return 0;
    af_ring *r = calloc(1, sizeof *r);
    int64_t frames = capacity + (int64_t)ceil(sampleRate) * AF_CAPTURE_HEADROOM_SECONDS + (maxBlock > 0 ? maxBlock : 8192);
    _Atomic float *data = r ? calloc((size_t)frames * 2, sizeof(float)) : NULL;
    if (!data) { free(r); return -2; }
    r->frames = frames;
    r->capacity = capacity;
    r->data = data;
    /* Readers hold `lock` while they use the ring; the audio thread is covered by the epoch wait. */
    pthread_mutex_lock(&in->lock);
    r->firstFrame = atomic_load(&in->captureWriting);
    atomic_store(&in->ring, r);
    int quiet = af_rt_wait_quiescent(in);
    pthread_mutex_unlock(&in->lock);
    if (quiet) free_ring(old);   /* otherwise leaked on purpose: the audio thread might still hold it */
    return 0;
}

void af_instance_free(af_instance *in) {
    if (!in) return;
    for (int i = 0; i < AF_MAX_CLIPS; i++) {
        af_clip *c = atomic_exchange(&in->clips[i], NULL);
        if (c) { free(c->data); free(c); }
    }
    free_ring(atomic_exchange(&in->ring, NULL));
    free(in->blocks);
    free(in->pendingState);
    free(in->pendingNotice);
    free(in->refusedState);
    pthread_mutex_destroy(&in->lock);
    pthread_mutex_destroy(&in->javaLock);
    free(in);
}
