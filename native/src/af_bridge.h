/*
 * The flat, primitive-only API between the native shim and Java (plugin-host-bridge implements the Java side with
 * JNA). Only the shim knows the VST3 ABI; Java sees instance handles, sample buffers and numbers.
 * Every function says which thread may call it.
 *
 * Version 2: a bypass parameter; set_state carries the shim's notice about the state header; bootstrap is called
 * once per loaded copy of the module, and each copy gets a Java table bound to its own shim table (Java never calls
 * a table of a copy other than the one that created the instance).
 */
#ifndef AF_BRIDGE_H
#define AF_BRIDGE_H
#include <stdint.h>

#define AF_BRIDGE_VERSION 2
#define AF_MAX_CLIPS 16
#define AF_PARAM_MIX 0      /* dry/wet: 0 = only the input, 1 = rendered clips replace the input where they play */
#define AF_PARAM_GAIN 1     /* output gain, normalized over −60…+12 dB (0 dB at 60/72) */
#define AF_PARAM_BYPASS 2   /* the host's bypass switch (kIsBypass): 1 = the input passes unchanged */
#define AF_PARAM_COUNT 3

/* Transport snapshot indices for transport(). */
enum {
    AF_T_SAMPLE_RATE, AF_T_TEMPO, AF_T_TIMESIG_NUM, AF_T_TIMESIG_DEN, AF_T_PLAYING, AF_T_PROJECT_SAMPLES,
    AF_T_BLOCKS, AF_T_MAX_BLOCK, AF_T_COUNT
};

/* Implemented by the shim, called from Java (any Java thread; never the host audio thread). */
typedef struct af_shim_api {
    int32_t version;
    int64_t (*capture_total)(int64_t inst);                       /* frames captured since the start */
    int32_t (*capture_capacity)(int64_t inst);                    /* readable frames (the last 10 minutes) */
    /* Interleaved stereo from absolute frame `from`; returns the frames copied. Frames the audio thread overwrote
     * while they were being copied are never returned: the count is then smaller (0 if `from` itself is gone). */
    int32_t (*capture_read)(int64_t inst, int64_t from, float *dst, int32_t frames);
    int32_t (*capture_blocks)(int64_t inst, int64_t fromSeq, int64_t *dst, int32_t max); /* 4 longs per block */
    int64_t (*capture_block_seq)(int64_t inst);                   /* blocks recorded since the start */
    int32_t (*clip_set)(int64_t inst, int32_t slot, const float *interleaved, int64_t frames, int64_t timelineStart, float gain);
    int32_t (*clip_clear)(int64_t inst, int32_t slot);
    void (*transport)(int64_t inst, double *out);                 /* AF_T_COUNT values */
    double (*param_get)(int64_t inst, int32_t id);                /* normalized */
    void (*param_edit)(int64_t inst, int32_t id, double normalized);   /* UI edit, reported to the host */
    void (*stream_write)(int64_t stream, const void *data, int32_t length);
    void (*log)(const char *message);
    int64_t (*audio_thread_java_calls)(int64_t inst);             /* must stay 0: the audio thread never enters Java */
} af_shim_api;

/* Implemented in Java (JNA callbacks), called by the shim from host non-audio threads and the shim's own threads. */
typedef struct af_java_api {
    int32_t version;
    int64_t (*instance_created)(int64_t inst);                    /* returns the Java id (> 0), or ≤ 0 on failure */
    void (*instance_destroyed)(int64_t id);
    void (*setup)(int64_t id, double sampleRate, int32_t maxBlock);
    int32_t (*get_state)(int64_t id, int64_t stream);             /* writes through shim->stream_write; 0 = ok */
    /* The Java part of a saved state (may be empty); notice is NULL or one sentence for the user about the state
     * header (damaged, migrated, newer version). Returns quickly: file checks run on Java's own thread. */
    int32_t (*set_state)(int64_t id, const void *data, int32_t length, const char *notice);
    int32_t (*editor_open)(int64_t id, int64_t parentWindow);
    int32_t (*editor_close)(int64_t id);
    int64_t (*debug)(int64_t id, int32_t what, int64_t arg);      /* test hooks (1 = GC pressure for arg ms) */
} af_java_api;

#endif
