/*
 * The real-time hand-off under stress, built with AddressSanitizer against the shim's own sources: an audio thread
 * runs af_process_block much faster than real time while other threads read the capture ring and the block records
 * and replace clips, as Java does.
 * - Capture reads never return a frame the audio thread overwrote while it was copied (each captured sample encodes
 *   its own frame index, so every returned frame is checked).
 * - Block records read concurrently are whole records.
 * - A replaced clip is never freed while the audio thread can read it (ASan would report the use after free) and a
 *   block plays one clip from its start to its end (the clip pointer is loaded once per block).
 * - The ring is sized from the host's sample rate.
 * Prints "N passed, M failed" and figures.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "af_internal.h"

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

#define BLOCK 512
#define CODE(f) ((float)((f) % 8388608))   /* exact in float */

typedef struct {
    af_instance *in;
    double seconds;
    _Atomic int stop;
    long blocks, mixedBlocks, badSamples;
} audio_job;

/* The audio thread: input frames carry their own index; the output is checked for one clip per block. */
static void *audio_thread(void *arg) {
    audio_job *j = arg;
    float l[BLOCK], r[BLOCK], ol[BLOCK], orr[BLOCK];
    float *ins[2] = {l, r}, *outs[2] = {ol, orr};
    AudioBusBuffers in = {2, 0, {.channelBuffers32 = ins}}, out = {2, 0, {.channelBuffers32 = outs}};
    ProcessContext ctx = {0};
    ctx.state = kPlaying;
    ctx.sampleRate = 1000;
    ProcessData d = {0, kSample32, BLOCK, 1, 1, &in, &out, NULL, NULL, NULL, NULL, &ctx};
    int64_t frame = 0;
    double end = now() + j->seconds;
    while (!atomic_load(&j->stop) && now() < end) {
        for (int i = 0; i < BLOCK; i++) { l[i] = CODE(frame + i); r[i] = -CODE(frame + i); }
        ctx.projectTimeSamples = frame % 100000;   /* inside the test clips (timeline 0, 200000 frames) */
        af_process_block(j->in, &d);
        for (int i = 1; i < BLOCK; i++) if (ol[i] != ol[0]) { j->mixedBlocks++; break; }
        for (int i = 0; i < BLOCK; i++) if (!isfinite(ol[i])) j->badSamples++;
        frame += BLOCK;
        j->blocks++;
    }
    return NULL;
}

typedef struct { af_instance *in; _Atomic int stop; long reads, frames, shortened, wrong, blockReads, wrongBlocks; } reader_job;

static void *capture_reader(void *arg) {
    reader_job *j = arg;
    const af_shim_api *api = af_shim_api_table();
    int64_t h = (int64_t)(intptr_t)j->in;
    int32_t want = 65536;
    float *buf = malloc(sizeof(float) * 2 * want);
    int64_t *recs = malloc(sizeof(int64_t) * 4 * 4096);
    while (!atomic_load(&j->stop)) {
        int64_t total = api->capture_total(h), cap = api->capture_capacity(h);
        int64_t from = total - cap;   /* the oldest frames: the ones the audio thread overwrites next */
        if (from < 0) continue;
        int32_t n = api->capture_read(h, from, buf, want);
        j->reads++;
        if (n < want) j->shortened++;
        for (int32_t i = 0; i < n; i++)
            if (buf[2 * i] != CODE(from + i) || buf[2 * i + 1] != -CODE(from + i)) { j->wrong++; break; }
        j->frames += n;
        int64_t seq = api->capture_block_seq(h);
        int32_t m = api->capture_blocks(h, seq - AF_BLOCK_RECORDS, recs, 4096);   /* the oldest records */
        j->blockReads++;
        for (int32_t i = 0; i < m; i++)
            if (recs[4 * i] % BLOCK != 0 || recs[4 * i + 2] != BLOCK || recs[4 * i + 1] != recs[4 * i] % 100000) { j->wrongBlocks++; break; }
    }
    free(buf);
    free(recs);
    return NULL;
}

typedef struct { af_instance *in; _Atomic int stop; long replaced; } clip_job;

static void *clip_replacer(void *arg) {
    clip_job *j = arg;
    const af_shim_api *api = af_shim_api_table();
    int64_t frames = 200000;
    float *data = malloc(sizeof(float) * 2 * frames);
    while (!atomic_load(&j->stop)) {
        float v = (float)(j->replaced % 7 + 1) / 8;
        for (int64_t i = 0; i < 2 * frames; i++) data[i] = v;
        api->clip_set((int64_t)(intptr_t)j->in, (int32_t)(j->replaced % 2), data, frames, 0, 1.0f);
        if (j->replaced % 5 == 4) api->clip_clear((int64_t)(intptr_t)j->in, 1);
        j->replaced++;
    }
    free(data);
    return NULL;
}

int main(void) {
    /* The ring follows the host's rate. */
    double rates[] = {22050, 44100, 48000, 96000, 192000};
    for (int i = 0; i < 5; i++) {
        af_instance *in = af_instance_new();
        CHECK(af_instance_setup(in, rates[i], 1024) == 0, "setup at %.0f Hz", rates[i]);
        int32_t cap = af_shim_api_table()->capture_capacity((int64_t)(intptr_t)in);
        CHECK(cap == (int64_t)rates[i] * AF_CAPTURE_SECONDS, "capture capacity at %.0f Hz is 10 minutes (%d frames)", rates[i], cap);
        af_instance_free(in);
    }
    af_instance *bad = af_instance_new();
    CHECK(af_instance_setup(bad, NAN, 512) != 0 && af_instance_setup(bad, 0, 512) != 0 && af_instance_setup(bad, 1e9, 512) != 0,
          "impossible sample rates are refused");
    af_instance_free(bad);

    /* Capture and block records under a fast writer. A 1 kHz ring holds 600,000 frames, so the writer laps it. */
    af_instance *in = af_instance_new();
    af_instance_setup(in, 1000, BLOCK);
    float *first = malloc(sizeof(float) * 2 * 200000);
    for (int i = 0; i < 2 * 200000; i++) first[i] = 0.5f;
    af_shim_api_table()->clip_set((int64_t)(intptr_t)in, 0, first, 200000, 0, 1.0f);   /* the test clips cover every block */
    free(first);
    audio_job a = {in, 3.0, 0, 0, 0, 0};
    reader_job rd = {in, 0, 0, 0, 0, 0, 0, 0};
    clip_job cj = {in, 0, 0};
    pthread_t ta, tr, tc;
    pthread_create(&ta, NULL, audio_thread, &a);
    pthread_create(&tr, NULL, capture_reader, &rd);
    pthread_create(&tc, NULL, clip_replacer, &cj);
    pthread_join(ta, NULL);
    atomic_store(&rd.stop, 1);
    atomic_store(&cj.stop, 1);
    pthread_join(tr, NULL);
    pthread_join(tc, NULL);
    printf("figure: %ld blocks of %d frames in 3 s (%.0fx real time at 48 kHz); %ld capture reads of the oldest frames "
           "(%ld shortened because the writer lapped them), %ld frames checked; %ld clip replacements\n",
           a.blocks, BLOCK, a.blocks * (double)BLOCK / 3.0 / 48000, rd.reads, rd.shortened, rd.frames, cj.replaced);
    CHECK(a.blocks > 10000 && rd.reads > 100 && cj.replaced > 100, "the stress ran (%ld blocks, %ld reads, %ld clips)", a.blocks, rd.reads, cj.replaced);
    CHECK(rd.wrong == 0, "no capture read returned a frame that was being overwritten (%ld bad reads)", rd.wrong);
    CHECK(rd.wrongBlocks == 0, "no block record read was torn (%ld)", rd.wrongBlocks);
    CHECK(a.mixedBlocks == 0, "each block played one clip from start to end (%ld mixed blocks)", a.mixedBlocks);
    CHECK(a.badSamples == 0, "the output stayed finite");
    af_instance_free(in);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
