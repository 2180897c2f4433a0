/*
 * AceForge's ONNX Runtime custom operators (domain "org.aceforge"), loaded with
 * SessionOptions.registerCustomOpLibrary on CPU sessions.
 *
 * Snake(x [B, C, T], alpha [C], inv_beta [C]) -> y = x + inv_beta * sin(alpha * x)^2, in one pass.
 * Why by hand: ONNX Runtime's Sin runs on one thread with a scalar sine (measured ~115 ms for 61 M floats on the
 * 2-core CI machine, 8x a Tanh), and the snake is five separate passes (Mul, Sin, Mul, Mul, Add) over tensors of up to
 * 245 MB. In the VAE decoder that was 3.3 s of a 10 s decode (docs/benchmarks.md). No library offers a fused snake.
 *
 * WinogradIn(x [B, C, T], bt [a, a]; tile m, dilation d) -> v [a, B, C, n] and
 * WinogradOut(p [a, B, C, n], at [m, a], bias [C], like [B, *, T]; dilation d) -> y [B, C, T]: the input and output
 * transforms of Winograd's F(m, r) for a stride-1, "same"-padded 1-D convolution with r = a - m + 1 taps at dilation
 * d (WinogradConv.java says how the tiles map onto the signal; the products between the two are one batched MatMul).
 * Why by hand: from standard operators the transforms took a grouped Conv, a grouped ConvTranspose, two Transposes, a
 * Pad and a Slice per convolution, ~1.8 s of a 5.2 s full-size decode on the 2-core CI machine (docs/benchmarks.md):
 * seven passes over tensors of hundreds of MB where one read and one write suffice. No library offers them.
 * SnakeWinogradIn(x, bt, alpha, inv_beta) and WinogradOutSnake(p, at, bias, like, alpha, inv_beta) are the same with
 * the residual unit's Snake applied to the input first / the output last, while the row is in cache (there the
 * Snake's output feeds nothing else), saving a pass over memory each.
 *
 * The ONNX Runtime C API is reached through its function table by slot number; the slots were taken from the public
 * header and are only trusted for the version this file was checked against (ORT_CHECKED_VERSION). Any other version
 * makes registration fail with a message, and the engine falls back to standard ONNX operators for all of them.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ORT_CHECKED_VERSION "1.29.0"

typedef struct OrtStatus OrtStatus;
typedef struct OrtApi OrtApi;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtKernelInfo OrtKernelInfo;
typedef struct OrtKernelContext OrtKernelContext;
typedef struct OrtValue OrtValue;
typedef struct OrtCustomOpDomain OrtCustomOpDomain;
typedef struct OrtTensorTypeAndShapeInfo OrtShapeInfo;

typedef struct OrtApiBase {
    const OrtApi *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} OrtApiBase;

/*
 * The custom-op table: a version number and 25 callbacks in the header's order. ONNX Runtime reads some callbacks
 * whatever the version says (a version-1 table with only the first nine crashed it), so every one is filled in.
 * Version 16: the V2 kernel entry points (which can return errors) are used; later fields are given safe answers.
 */
typedef struct OrtCustomOp {
    uint32_t version;
    void *(*CreateKernel)(const struct OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info);
    const char *(*GetName)(const struct OrtCustomOp *op);
    const char *(*GetExecutionProviderType)(const struct OrtCustomOp *op);
    int (*GetInputType)(const struct OrtCustomOp *op, size_t index);
    size_t (*GetInputTypeCount)(const struct OrtCustomOp *op);
    int (*GetOutputType)(const struct OrtCustomOp *op, size_t index);
    size_t (*GetOutputTypeCount)(const struct OrtCustomOp *op);
    void (*KernelCompute)(void *kernel, OrtKernelContext *context);
    void (*KernelDestroy)(void *kernel);
    int (*GetInputCharacteristic)(const struct OrtCustomOp *op, size_t index);
    int (*GetOutputCharacteristic)(const struct OrtCustomOp *op, size_t index);
    int (*GetInputMemoryType)(const struct OrtCustomOp *op, size_t index);
    int (*GetVariadicInputMinArity)(const struct OrtCustomOp *op);
    int (*GetVariadicInputHomogeneity)(const struct OrtCustomOp *op);
    int (*GetVariadicOutputMinArity)(const struct OrtCustomOp *op);
    int (*GetVariadicOutputHomogeneity)(const struct OrtCustomOp *op);
    OrtStatus *(*CreateKernelV2)(const struct OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info, void **kernel);
    OrtStatus *(*KernelComputeV2)(void *kernel, OrtKernelContext *context);
    OrtStatus *(*InferOutputShapeFn)(const struct OrtCustomOp *op, void *context);
    int (*GetStartVersion)(const struct OrtCustomOp *op);
    int (*GetEndVersion)(const struct OrtCustomOp *op);
    size_t (*GetMayInplace)(int **input_index, int **output_index);
    void (*ReleaseMayInplace)(int *input_index, int *output_index);
    size_t (*GetAliasMap)(int **input_index, int **output_index);
    void (*ReleaseAliasMap)(int *input_index, int *output_index);
} OrtCustomOp;

/* Slots of the OrtApi function table (0-based, in the header's order). */
enum {
    SLOT_CreateStatus = 0,
    SLOT_CreateCustomOpDomain = 26,
    SLOT_CustomOpDomain_Add = 27,
    SLOT_AddCustomOpDomain = 28,
    SLOT_GetTensorMutableData = 51,
    SLOT_GetDimensionsCount = 61,
    SLOT_GetDimensions = 62,
    SLOT_GetTensorShapeElementCount = 64,
    SLOT_GetTensorTypeAndShape = 65,
    SLOT_KernelInfoGetAttribute_int64 = 86,
    SLOT_KernelContext_GetInput = 90,
    SLOT_KernelContext_GetOutput = 91,
    SLOT_ReleaseStatus = 93,
    SLOT_ReleaseTensorTypeAndShapeInfo = 99,
    SLOT_KernelContext_ParallelFor = 274,
};
#define API_FN(api, slot) (((void *const *)(const void *)(api))[slot])

typedef OrtStatus *(*CreateStatusFn)(int code, const char *msg);
typedef OrtStatus *(*CreateCustomOpDomainFn)(const char *domain, OrtCustomOpDomain **out);
typedef OrtStatus *(*CustomOpDomainAddFn)(OrtCustomOpDomain *domain, const OrtCustomOp *op);
typedef OrtStatus *(*AddCustomOpDomainFn)(OrtSessionOptions *options, OrtCustomOpDomain *domain);
typedef OrtStatus *(*GetTensorMutableDataFn)(OrtValue *value, void **out);
typedef OrtStatus *(*GetDimensionsCountFn)(const OrtShapeInfo *info, size_t *out);
typedef OrtStatus *(*GetDimensionsFn)(const OrtShapeInfo *info, int64_t *dims, size_t count);
typedef OrtStatus *(*GetElementCountFn)(const OrtShapeInfo *info, size_t *out);
typedef OrtStatus *(*GetTensorTypeAndShapeFn)(const OrtValue *value, OrtShapeInfo **out);
typedef OrtStatus *(*GetInputFn)(const OrtKernelContext *context, size_t index, const OrtValue **out);
typedef OrtStatus *(*GetOutputFn)(OrtKernelContext *context, size_t index, const int64_t *dims, size_t count, OrtValue **out);
typedef OrtStatus *(*GetAttributeIntFn)(const OrtKernelInfo *info, const char *name, int64_t *out);
typedef void (*ReleaseStatusFn)(OrtStatus *status);
typedef void (*ReleaseShapeInfoFn)(OrtShapeInfo *info);
typedef OrtStatus *(*ParallelForFn)(const OrtKernelContext *context, void (*fn)(void *, size_t), size_t total,
                                    size_t num_batch, void *usr_data);

enum { ORT_FAIL = 1, ORT_INVALID_ARGUMENT = 2, ONNX_FLOAT = 1 };

/* ---------- the arithmetic ---------- */

/*
 * sin(z)^2 in double precision: z = k*pi + r with |r| <= pi/2 (sin^2 has period pi), then an odd Taylor polynomial
 * to r^13 (error below 1e-9 at pi/2, far under float's 6e-8). Rounding by the 1.5*2^52 trick so every ISA vectorizes
 * it; exact for |z| < 2^51, i.e. any activation a decoder produces.
 */
static inline double sin_squared(double z) {
    const double magic = 6755399441055744.0, inv_pi = 0.318309886183790671538, pi_hi = 3.141592653589793116,
                 pi_lo = 1.2246467991473532072e-16;
    double k = (z * inv_pi + magic) - magic;
    double r = (z - k * pi_hi) - k * pi_lo;
    double r2 = r * r;
    double p = 1.0 / 6227020800.0;
    p = p * r2 - 1.0 / 39916800.0;
    p = p * r2 + 1.0 / 362880.0;
    p = p * r2 - 1.0 / 5040.0;
    p = p * r2 + 1.0 / 120.0;
    p = p * r2 - 1.0 / 6.0;
    p = p * r2 + 1.0;
    double s = r * p;
    return s * s;
}

/* One row of T samples of one channel in double precision: CPUs without FMA, and arguments too large for floats. */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void snake_row_double(const float *x, float *y, size_t n, float alpha, float inv_beta) {
    for (size_t t = 0; t < n; t++) {
        float v = x[t];
        float z = alpha * v;
        y[t] = v + inv_beta * (float)sin_squared((double)z);
    }
}

/*
 * sin(z)^2 in single precision for |z| < SNAKE_FLOAT_LIMIT, on CPUs with FMA: z = k*pi + r by a three-part pi (each
 * step one fused multiply-add, so k*pi is subtracted almost exactly), then the odd Taylor polynomial to r^15. Twice the
 * lanes of the double version; within a few float roundings of sin^2, as the standard Sin-based form is.
 */
#define SNAKE_FLOAT_LIMIT 65536.0f
static inline __attribute__((always_inline)) float sin_squared_float(float z) {
    const float inv_pi = 0.318309886183790672f, pi_a = 3.1415927410125732f, pi_b = -8.742277657347586e-08f,
                pi_c = -3.4302490200117637e-15f;
    float k = __builtin_rintf(z * inv_pi);
    float r = __builtin_fmaf(-k, pi_a, z);
    r = __builtin_fmaf(-k, pi_b, r);
    r = __builtin_fmaf(-k, pi_c, r);
    float r2 = r * r;
    float p = -1.0f / 1307674368000.0f;
    p = __builtin_fmaf(p, r2, 1.0f / 6227020800.0f);
    p = __builtin_fmaf(p, r2, -1.0f / 39916800.0f);
    p = __builtin_fmaf(p, r2, 1.0f / 362880.0f);
    p = __builtin_fmaf(p, r2, -1.0f / 5040.0f);
    p = __builtin_fmaf(p, r2, 1.0f / 120.0f);
    p = __builtin_fmaf(p, r2, -1.0f / 6.0f);
    float s = __builtin_fmaf(r * r2, p, r);
    return s * s;
}

/* The float form for a row whose every |alpha * x| is below the limit (checked first), else the double form. */
static inline __attribute__((always_inline)) void snake_row_float(const float *x, float *y, size_t n,
                                                                  float alpha, float inv_beta) {
    int out_of_range = 0;
    for (size_t t = 0; t < n; t++) out_of_range |= !(__builtin_fabsf(alpha * x[t]) < SNAKE_FLOAT_LIMIT); /* or NaN */
    if (out_of_range) {
        snake_row_double(x, y, n, alpha, inv_beta);
        return;
    }
    for (size_t t = 0; t < n; t++) {
        float v = x[t];
        y[t] = __builtin_fmaf(inv_beta, sin_squared_float(alpha * v), v);
    }
}

__attribute__((target("arch=x86-64-v4")))
static void snake_row_v4(const float *x, float *y, size_t n, float alpha, float inv_beta) {
    snake_row_float(x, y, n, alpha, inv_beta);
}

__attribute__((target("arch=x86-64-v3")))
static void snake_row_v3(const float *x, float *y, size_t n, float alpha, float inv_beta) {
    snake_row_float(x, y, n, alpha, inv_beta);
}

/* y = snake(x) over n samples; y may be x (every sample is read before it is written). */
typedef void (*SnakeRowFn)(const float *, float *, size_t, float, float);

/* The widest form this CPU runs (AF_SNAKE_DOUBLE=1 keeps the double one, for comparing). */
static SnakeRowFn snake_row_for_cpu(void) {
    const char *env = getenv("AF_SNAKE_DOUBLE");
    if (env && *env == '1') return snake_row_double;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return snake_row_v4;
    if (__builtin_cpu_supports("x86-64-v3")) return snake_row_v3;
    return snake_row_double;
}

static void snake_row(const float *x, float *y, size_t n, float alpha, float inv_beta) {
    static SnakeRowFn chosen; /* a benign race: every thread computes the same pointer */
    SnakeRowFn f = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (!f) {
        f = snake_row_for_cpu();
        __atomic_store_n(&chosen, f, __ATOMIC_RELAXED);
    }
    f(x, y, n, alpha, inv_beta);
}

/*
 * Rows [first, end) of a tensor, done by one thread; returns 0, or nonzero when it could not (out of memory). Every
 * operator here splits its work by rows (pool_rows).
 */
typedef int (*RowsFn)(void *context, size_t first, size_t end);

typedef struct {
    const float *x, *alpha, *inv_beta;
    float *y;
    size_t channels, length;
} SnakeWork;

static int snake_rows(void *context, size_t first, size_t end) {
    SnakeWork *w = (SnakeWork *)context;
    for (size_t row = first; row < end; row++) {
        size_t c = row % w->channels;
        snake_row(w->x + row * w->length, w->y + row * w->length, w->length, w->alpha[c], w->inv_beta[c]);
    }
    return 0;
}

/* ---------- Winograd transforms ---------- */

#define MAX_POINTS 16
/* Eight floats: one AVX2 register (half an AVX-512 one); GCC's vector extension compiles it for every clone. */
typedef float v8 __attribute__((vector_size(32), aligned(4)));

/*
 * Eight tiles starting at tile j: v[a][j..j+7] = sum_i bt[a][i] * s_i with s_i the tiles' input i (src[i] + j).
 * Inlined with alpha a constant where it can be, so the inputs stay in registers and the loops unroll.
 */
static inline __attribute__((always_inline)) void winograd_in_block(const float *const *src, size_t j,
                                                                    const float *bt, size_t alpha, float *v,
                                                                    size_t plane) {
    v8 s[MAX_POINTS] = {0}; /* entries past alpha are never read; set so no compiler warns */
#pragma GCC unroll 16
    for (size_t i = 0; i < alpha; i++) s[i] = *(const v8 *)(src[i] + j);
#pragma GCC unroll 16
    for (size_t a = 0; a < alpha; a++) {
        v8 acc = bt[a * alpha] * s[0];
#pragma GCC unroll 16
        for (size_t i = 1; i < alpha; i++) acc += bt[a * alpha + i] * s[i];
        *(v8 *)(v + a * plane + j) = acc;
    }
}

/*
 * Winograd's points come in pairs p, -p (WinogradConv's 0, +-1, +-2, +-1/2, +-3, +-1/3, ..., infinity): rows 2k+1 and
 * 2k+2 of bt then satisfy bt[2k+2][i] = (-1)^i bt[2k+1][i], and columns 2k+1, 2k+2 of at satisfy at[j][2k+2] =
 * (-1)^j at[j][2k+1]. With that, a pair's two transformed values are E + O and E - O of one even and one odd sum
 * (the input transform: 94 instead of 144 multiply-adds per tile at F(6, 7)), and a pair's two products enter the
 * output transform as their sum and difference (52 instead of 72). Checked on the matrices given, to float rounding;
 * any other matrix takes the dense form.
 */
static int pairs_hold(float a, float b, float sign, float scale) { return fabsf(b - sign * a) <= 1e-6f * scale; }

static int paired_rows(const float *bt, size_t alpha) {
    if (alpha < 4 || alpha % 2 != 0) return 0;
    float scale = 0;
    for (size_t i = 0; i < alpha * alpha; i++) scale = fmaxf(scale, fabsf(bt[i]));
    for (size_t a = 1; a + 2 < alpha; a += 2)
        for (size_t i = 0; i < alpha; i++)
            if (!pairs_hold(bt[a * alpha + i], bt[(a + 1) * alpha + i], i % 2 ? -1.0f : 1.0f, scale)) return 0;
    return 1;
}

static int paired_columns(const float *at, size_t m, size_t alpha) {
    if (alpha < 4 || alpha % 2 != 0) return 0;
    float scale = 0;
    for (size_t i = 0; i < m * alpha; i++) scale = fmaxf(scale, fabsf(at[i]));
    for (size_t a = 1; a + 2 < alpha; a += 2)
        for (size_t j = 0; j < m; j++)
            if (!pairs_hold(at[j * alpha + a], at[j * alpha + a + 1], j % 2 ? -1.0f : 1.0f, scale)) return 0;
    return 1;
}

/* winograd_in_block for paired rows (paired_rows held): rows 0 and alpha - 1 in full, the pairs as E +- O. */
static inline __attribute__((always_inline)) void winograd_in_block_paired(const float *const *src, size_t j,
                                                                           const float *bt, size_t alpha, float *v,
                                                                           size_t plane) {
    v8 s[MAX_POINTS] = {0};
#pragma GCC unroll 16
    for (size_t i = 0; i < alpha; i++) s[i] = *(const v8 *)(src[i] + j);
#pragma GCC unroll 2
    for (size_t a = 0; a < alpha; a += alpha - 1) {
        v8 acc = bt[a * alpha] * s[0];
#pragma GCC unroll 16
        for (size_t i = 1; i < alpha; i++) acc += bt[a * alpha + i] * s[i];
        *(v8 *)(v + a * plane + j) = acc;
    }
#pragma GCC unroll 8
    for (size_t a = 1; a + 2 < alpha; a += 2) {
        v8 e = bt[a * alpha] * s[0], o = bt[a * alpha + 1] * s[1];
#pragma GCC unroll 8
        for (size_t i = 2; i < alpha; i += 2) {
            e += bt[a * alpha + i] * s[i];
            o += bt[a * alpha + i + 1] * s[i + 1];
        }
        *(v8 *)(v + a * plane + j) = e + o;
        *(v8 *)(v + (a + 1) * plane + j) = e - o;
    }
}

/*
 * v[a][j] = sum_i bt[a][i] * (tile input i of tile j) for the n tiles of one channel; input i of tile j is
 * q[i mod m][j + (i div m) * d] (the signal was de-interleaved into q so that every read is contiguous).
 */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void winograd_in_channel(const float *q, size_t q_len, const float *bt, size_t alpha, size_t m, size_t d,
                                size_t n, float *v, size_t plane, int paired) {
    const float *src[MAX_POINTS];
    for (size_t i = 0; i < alpha; i++) src[i] = q + (i % m) * q_len + (i / m) * d;
    size_t j = 0;
    if (paired && alpha == 12) /* F(6, 7), the VAE's residual units */
        for (; j + 8 <= n; j += 8) winograd_in_block_paired(src, j, bt, 12, v, plane);
    else if (paired && alpha == 8) /* F(6, 3), its upsampling */
        for (; j + 8 <= n; j += 8) winograd_in_block_paired(src, j, bt, 8, v, plane);
    else if (alpha == 12)
        for (; j + 8 <= n; j += 8) winograd_in_block(src, j, bt, 12, v, plane);
    else
        for (; j + 8 <= n; j += 8) winograd_in_block(src, j, bt, alpha, v, plane);
    for (; j < n; j++)
        for (size_t a = 0; a < alpha; a++) {
            float acc = 0;
            for (size_t i = 0; i < alpha; i++) acc += bt[a * alpha + i] * src[i][j];
            v[a * plane + j] = acc;
        }
}

/*
 * q[k][r*d + ph] = x[(r*m + k)*d + ph - pad] for tile rows r < rows, k < m, ph < d; zero outside x. One pass over
 * the signal; each tile row's m blocks of d samples go to the m de-interleaved arrays.
 */
/* GCC turns its short copy loops into memcpy calls (a call per 3 floats at dilation 3) unless told not to. */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void deinterleave(const float *x, size_t length, float *q, size_t q_len, size_t rows, size_t m, size_t d,
                         size_t pad) {
    for (size_t r = 0; r < rows; r++) {
        long start = (long)(r * m * d) - (long)pad;
        if (start >= 0 && start + (long)(m * d) <= (long)length) {
            const float *src = x + start;
            if (d == 1) {
                for (size_t k = 0; k < m; k++) q[k * q_len + r] = src[k];
            } else if (d < 16) { /* a call per few floats costs more than the copy */
                for (size_t k = 0; k < m; k++)
                    for (size_t ph = 0; ph < d; ph++) q[k * q_len + r * d + ph] = src[k * d + ph];
            } else {
                for (size_t k = 0; k < m; k++) memcpy(q + k * q_len + r * d, src + k * d, d * sizeof(float));
            }
        } else {
            for (size_t k = 0; k < m; k++)
                for (size_t ph = 0; ph < d; ph++) {
                    long at = start + (long)(k * d + ph);
                    q[k * q_len + r * d + ph] = at >= 0 && at < (long)length ? x[at] : 0.0f;
                }
        }
    }
}

typedef struct {
    const float *x, *bt;
    float *v;
    size_t rows, length, alpha, m, d, pad, rows_out, kernel_rows;
    const float *snake_alpha, *snake_inv_beta; /* SnakeWinogradIn: the Snake before the transform, per channel */
    size_t channels;
    int paired; /* bt's rows pair up (paired_rows) */
} WinogradInWork;

static int winograd_in_rows(void *context, size_t first, size_t end) {
    WinogradInWork *w = (WinogradInWork *)context;
    size_t d = w->d, m = w->m, n = w->rows_out * d, tile_rows = w->rows_out + w->kernel_rows - 1;
    size_t q_len = tile_rows * d;
    float *q = (float *)malloc(sizeof(float) * m * q_len);
    /* With the Snake first: each row's activation goes through this buffer, read again while still in cache. */
    float *activated = w->snake_alpha ? (float *)malloc(sizeof(float) * (w->length ? w->length : 1)) : NULL;
    if (!q || (w->snake_alpha && !activated)) {
        free(q);
        free(activated);
        return 1;
    }
    for (size_t row = first; row < end; row++) {
        const float *x = w->x + row * w->length;
        if (activated) {
            size_t c = row % w->channels;
            snake_row(x, activated, w->length, w->snake_alpha[c], w->snake_inv_beta[c]);
            x = activated;
        }
        /* q[k][r*d + ph] = padded signal at (r*m + k)*d + ph: blocks of d samples, zero outside the signal. */
        deinterleave(x, w->length, q, q_len, tile_rows, m, d, w->pad);
        winograd_in_channel(q, q_len, w->bt, w->alpha, m, d, n, w->v + row * n, w->rows * n, w->paired);
    }
    free(q);
    free(activated);
    return 0;
}

/* Eight tiles: out[j][0..7] = bias + sum_a at[j][a] * p[a][0..7] (inlined like winograd_in_block). */
static inline __attribute__((always_inline)) void winograd_out_block(const float *p, size_t plane, const float *at,
                                                                     size_t alpha, size_t m, float bias, float *out,
                                                                     size_t stride) {
    v8 s[MAX_POINTS] = {0}; /* entries past alpha are never read; set so no compiler warns */
#pragma GCC unroll 16
    for (size_t a = 0; a < alpha; a++) s[a] = *(const v8 *)(p + a * plane);
#pragma GCC unroll 16
    for (size_t j = 0; j < m; j++) {
        v8 acc = bias + at[j * alpha] * s[0];
#pragma GCC unroll 16
        for (size_t a = 1; a < alpha; a++) acc += at[j * alpha + a] * s[a];
        *(v8 *)(out + j * stride) = acc;
    }
}

/* winograd_out_block for paired columns (paired_columns held): each pair enters as its sum (even j) or difference. */
static inline __attribute__((always_inline)) void winograd_out_block_paired(const float *p, size_t plane,
                                                                            const float *at, size_t alpha, size_t m,
                                                                            float bias, float *out, size_t stride) {
    v8 s[MAX_POINTS] = {0}, sum[MAX_POINTS / 2] = {0}, difference[MAX_POINTS / 2] = {0};
#pragma GCC unroll 16
    for (size_t a = 0; a < alpha; a++) s[a] = *(const v8 *)(p + a * plane);
#pragma GCC unroll 8
    for (size_t a = 1; a + 2 < alpha; a += 2) {
        sum[a / 2] = s[a] + s[a + 1];
        difference[a / 2] = s[a] - s[a + 1];
    }
#pragma GCC unroll 16
    for (size_t j = 0; j < m; j++) {
        v8 acc = bias + at[j * alpha] * s[0] + at[j * alpha + alpha - 1] * s[alpha - 1];
#pragma GCC unroll 8
        for (size_t a = 1; a + 2 < alpha; a += 2) acc += at[j * alpha + a] * (j % 2 ? difference[a / 2] : sum[a / 2]);
        *(v8 *)(out + j * stride) = acc;
    }
}

/* out[j][k] = bias + sum_a at[j][a] * p[a][k] for k < len: the m outputs of len tiles of one channel. */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void winograd_out_chunk(const float *p, size_t plane, const float *at, size_t alpha, size_t m, size_t len,
                               float bias, float *out, size_t stride, int paired) {
    size_t k = 0;
    if (paired && alpha == 12 && m == 6)
        for (; k + 8 <= len; k += 8) winograd_out_block_paired(p + k, plane, at, 12, 6, bias, out + k, stride);
    else if (paired && alpha == 8 && m == 6)
        for (; k + 8 <= len; k += 8) winograd_out_block_paired(p + k, plane, at, 8, 6, bias, out + k, stride);
    else if (alpha == 12 && m == 6)
        for (; k + 8 <= len; k += 8) winograd_out_block(p + k, plane, at, 12, 6, bias, out + k, stride);
    else
        for (; k + 8 <= len; k += 8) winograd_out_block(p + k, plane, at, alpha, m, bias, out + k, stride);
    for (; k < len; k++)
        for (size_t j = 0; j < m; j++) {
            float acc = bias;
            for (size_t a = 0; a < alpha; a++) acc += at[j * alpha + a] * p[a * plane + k];
            out[j * stride + k] = acc;
        }
}

/*
 * The output transform's results back in time order: out[j][rr*d + ph] (rows `stride` apart) is output (rr*m + j)*d
 * + ph of dst, for rows tile rows. Short copies stay loops: GCC would otherwise make a memcpy call of d floats each.
 */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void tiles_to_time(const float *out, size_t stride, float *dst, size_t rows, size_t m, size_t d) {
    if (d == 1) {
        for (size_t rr = 0; rr < rows; rr++)
            for (size_t j = 0; j < m; j++) dst[rr * m + j] = out[j * stride + rr];
    } else if (d < 16) {
        for (size_t rr = 0; rr < rows; rr++)
            for (size_t j = 0; j < m; j++)
                for (size_t ph = 0; ph < d; ph++) dst[(rr * m + j) * d + ph] = out[j * stride + rr * d + ph];
    } else {
        for (size_t rr = 0; rr < rows; rr++)
            for (size_t j = 0; j < m; j++) memcpy(dst + (rr * m + j) * d, out + j * stride + rr * d, d * sizeof(float));
    }
}

typedef struct {
    const float *p, *at, *bias;
    float *y;
    size_t rows, channels, alpha, m, d, n, length;
    const float *snake_alpha, *snake_inv_beta; /* WinogradOutSnake: the Snake after the transform, per channel */
    size_t phases; /* > 1: p's rows are (channel, phase) pairs whose outputs interleave (a transposed convolution) */
    int paired;    /* at's columns pair up (paired_columns) */
} WinogradOutWork;

static int winograd_out_rows(void *context, size_t first, size_t end) {
    WinogradOutWork *w = (WinogradOutWork *)context;
    /* Whole tile rows per chunk, a multiple of 8 of them: about 64 tiles (vectors of 8 inside). */
    size_t d = w->d, m = w->m, per_chunk = 64 / d / 8 * 8, chunk = (per_chunk < 8 ? 8 : per_chunk) * d;
    float *out = (float *)malloc(sizeof(float) * m * chunk);
    if (!out) return 1;
    for (size_t row = first; row < end; row++) {
        const float *p = w->p + row * w->n;
        float *y = w->y + row * w->length;
        for (size_t n0 = 0; n0 < w->n; n0 += chunk) {
            size_t len = w->n - n0 < chunk ? w->n - n0 : chunk;
            winograd_out_chunk(p + n0, w->rows * w->n, w->at, w->alpha, m, len, w->bias[row % w->channels], out, chunk,
                               w->paired);
            /* Tile row r holds outputs (r*m + j)*d + ph: output j of phase ph. */
            size_t r0 = n0 / d, rows_here = len / d;
            float *dst = y + r0 * m * d;
            if ((r0 + rows_here) * m * d <= w->length) { /* every output of the chunk is inside the signal */
                tiles_to_time(out, chunk, dst, rows_here, m, d);
                if (w->snake_alpha) /* the chunk's outputs are one stretch of the row, still in cache */
                    snake_row(dst, dst, rows_here * m * d, w->snake_alpha[row % w->channels], w->snake_inv_beta[row % w->channels]);
                continue;
            }
            for (size_t rr = 0; rr < rows_here; rr++) {
                for (size_t j = 0; j < m; j++) {
                    size_t t = ((r0 + rr) * m + j) * d;
                    if (t >= w->length) break;
                    size_t count = w->length - t < d ? w->length - t : d;
                    const float *src = out + j * chunk + rr * d;
                    for (size_t i = 0; i < count; i++) y[t + i] = src[i];
                }
            }
            if (w->snake_alpha && r0 * m * d < w->length) /* the row's last stretch */
                snake_row(dst, dst, w->length - r0 * m * d, w->snake_alpha[row % w->channels], w->snake_inv_beta[row % w->channels]);
        }
    }
    free(out);
    return 0;
}

/*
 * The phased form (dilation 1): output row o of y [B, C, T*s] interleaves the s product rows o*s + ph, y[q*s + ph] =
 * phase ph's output q. The phases' outputs for about 64 tiles go to a buffer in cache, then out in time order.
 */
static int winograd_out_phase_rows(void *context, size_t first, size_t end) {
    WinogradOutWork *w = (WinogradOutWork *)context;
    size_t m = w->m, s = w->phases, chunk = 64, plane = w->rows * w->n, length = w->length;
    float *out = (float *)malloc(sizeof(float) * s * m * chunk);
    if (!out) return 1;
    for (size_t row = first; row < end; row++) {
        float bias = w->bias[row % w->channels];
        float *y = w->y + row * length * s;
        for (size_t n0 = 0; n0 < w->n && n0 * m < length; n0 += chunk) {
            size_t len = w->n - n0 < chunk ? w->n - n0 : chunk;
            for (size_t ph = 0; ph < s; ph++)
                winograd_out_chunk(w->p + (row * s + ph) * w->n + n0, plane, w->at, w->alpha, m, len, bias,
                                   out + ph * m * chunk, chunk, w->paired);
            for (size_t k = 0; k < len; k++)
                for (size_t j = 0; j < m; j++) {
                    size_t q = (n0 + k) * m + j;
                    if (q >= length) break;
                    float *dst = y + q * s;
                    const float *src = out + j * chunk + k;
                    for (size_t ph = 0; ph < s; ph++) dst[ph] = src[ph * m * chunk];
                }
        }
    }
    free(out);
    return 0;
}

/* ---------- the residual unit in one pass ---------- */

/*
 * The register blocks of the products, for a vector type VT of W floats (two vectors a row):
 * - NAME_product: c[6][ldc] (2W columns) = sum_k ap[k][6] * b[k][0..2W-1] (b's rows ldb apart), twelve vector
 *   accumulators in registers (the usual shape for 16 vector registers: one FMA each per k and row pair). ap is the
 *   left matrix's six rows packed k-major so the broadcasts read one contiguous stream.
 * - NAME_residual: y[i][0..2W-1] = x[i][..] + bias[i] + the same product: the residual unit's last step, written
 *   straight into the output (rows ld apart) without a pass of its own.
 * One macro, so the AVX2 blocks (v8, 6 x 16) and the AVX-512 ones (v16, 6 x 32) cannot drift apart. BLOCK_ACCUMULATE
 * is a block's k loop (c0/c1[i] += ap[k][i] * b[k][0..2W-1]), BLOCK_STORE its store into DST (rows LD apart).
 */
#define BLOCK_ACCUMULATE(VT, W)                                                                                       \
    for (size_t k = 0; k < K; k++) {                                                                                  \
        VT b0 = *(const VT *)(b + k * ldb), b1 = *(const VT *)(b + k * ldb + W);                                      \
        const float *a = ap + k * 6;                                                                                  \
        _Pragma("GCC unroll 6") for (size_t i = 0; i < 6; i++) {                                                      \
            c0[i] += a[i] * b0;                                                                                       \
            c1[i] += a[i] * b1;                                                                                       \
        }                                                                                                             \
    }
#define BLOCK_STORE(VT, W, DST, LD)                                                                                   \
    _Pragma("GCC unroll 6") for (size_t i = 0; i < 6; i++) {                                                          \
        *(VT *)(DST + i * LD) = c0[i];                                                                                \
        *(VT *)(DST + i * LD + W) = c1[i];                                                                            \
    }

#define PRODUCT_BLOCKS(NAME, VT, W, ATTR)                                                                             \
    static inline __attribute__((always_inline)) ATTR void NAME##_product(const float *ap, const float *b,           \
                                                                          size_t ldb, size_t K, float *c, size_t ldc) { \
        VT c0[6], c1[6];                                                                                              \
        _Pragma("GCC unroll 6") for (size_t i = 0; i < 6; i++) c0[i] = c1[i] = (VT){0};                               \
        BLOCK_ACCUMULATE(VT, W)                                                                                       \
        BLOCK_STORE(VT, W, c, ldc)                                                                                    \
    }                                                                                                                 \
    static inline __attribute__((always_inline)) ATTR void NAME##_residual(                                           \
        const float *ap, const float *b, size_t ldb, size_t K, const float *x, const float *bias, float *y, size_t ld) { \
        VT c0[6], c1[6];                                                                                              \
        _Pragma("GCC unroll 6") for (size_t i = 0; i < 6; i++) {                                                      \
            c0[i] = *(const VT *)(x + i * ld) + bias[i];                                                              \
            c1[i] = *(const VT *)(x + i * ld + W) + bias[i];                                                          \
        }                                                                                                             \
        BLOCK_ACCUMULATE(VT, W)                                                                                       \
        BLOCK_STORE(VT, W, y, ld)                                                                                     \
    }

PRODUCT_BLOCKS(block16, v8, 8, )
#define product_6x16 block16_product
#define residual_6x16 block16_residual

/*
 * c[rows6 * 6][columns] = ap (rows6 packed blocks of six rows, K each) * b[K][columns], columns a multiple of 16; by
 * 16-column panels of b (K x 16 floats, 8 KB at K = 128, kept in L1 while every row block passes over it).
 */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void product_panels_any(const float *ap, size_t rows6, const float *b, size_t ldb, size_t K, size_t columns,
                               float *c, size_t ldc) {
    for (size_t j = 0; j < columns; j += 16)
        for (size_t r6 = 0; r6 < rows6; r6++) product_6x16(ap + r6 * K * 6, b + j, ldb, K, c + r6 * 6 * ldc + j, ldc);
}

/*
 * y = x + bias + ap * b for rows6 blocks of six whole rows and columns a multiple of 16, six rows at a time: x and y
 * are in memory, and six sequential rows are streams the hardware prefetcher follows (measured: 16-column panels
 * across all rows, 128 streams, were slower).
 */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void residual_panels_any(const float *ap, size_t rows6, const float *b, size_t ldb, size_t K, size_t columns,
                                const float *x, const float *bias, float *y, size_t ld) {
    for (size_t r6 = 0; r6 < rows6; r6++)
        for (size_t j = 0; j < columns; j += 16)
            residual_6x16(ap + r6 * K * 6, b + j, ldb, K, x + r6 * 6 * ld + j, bias + r6 * 6, y + r6 * 6 * ld + j, ld);
}

/* Six rows of a product: c[6][columns] = ap (6 packed rows, K) * b[K][columns], columns a multiple of 16. */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static void product_strip_any(const float *ap, const float *b, size_t ldb, size_t K, size_t columns, float *c, size_t ldc) {
    for (size_t j = 0; j < columns; j += 16) product_6x16(ap, b + j, ldb, K, c + j, ldc);
}

/*
 * The same three on AVX-512: 6 x 32 blocks in twelve 16-float registers, then a 6 x 16 block for a last half panel.
 * A CPU whose vector units are 512 bits wide (measured: AMD Zen 5) does twice the multiply-adds per instruction of
 * the 6 x 16 AVX2 block, which the target_clones above cannot give: that block's twelve accumulators are the shape of
 * sixteen 8-float registers, and widening them would not fit AVX2's. Each output sums its products in the same
 * order, so both paths give the same floats.
 */
typedef float v16 __attribute__((vector_size(64), aligned(4)));

#define AVX512 __attribute__((target("arch=x86-64-v4")))

PRODUCT_BLOCKS(block32, v16, 16, AVX512)
#define product_6x32 block32_product
#define residual_6x32 block32_residual

AVX512 static void product_panels_avx512(const float *ap, size_t rows6, const float *b, size_t ldb, size_t K,
                                         size_t columns, float *c, size_t ldc) {
    size_t j = 0;
    for (; j + 32 <= columns; j += 32)
        for (size_t r6 = 0; r6 < rows6; r6++) product_6x32(ap + r6 * K * 6, b + j, ldb, K, c + r6 * 6 * ldc + j, ldc);
    for (; j < columns; j += 16)
        for (size_t r6 = 0; r6 < rows6; r6++) product_6x16(ap + r6 * K * 6, b + j, ldb, K, c + r6 * 6 * ldc + j, ldc);
}

AVX512 static void residual_panels_avx512(const float *ap, size_t rows6, const float *b, size_t ldb, size_t K,
                                          size_t columns, const float *x, const float *bias, float *y, size_t ld) {
    for (size_t r6 = 0; r6 < rows6; r6++) {
        size_t j = 0;
        for (; j + 32 <= columns; j += 32)
            residual_6x32(ap + r6 * K * 6, b + j, ldb, K, x + r6 * 6 * ld + j, bias + r6 * 6, y + r6 * 6 * ld + j, ld);
        for (; j < columns; j += 16)
            residual_6x16(ap + r6 * K * 6, b + j, ldb, K, x + r6 * 6 * ld + j, bias + r6 * 6, y + r6 * 6 * ld + j, ld);
    }
}

AVX512 static void product_strip_avx512(const float *ap, const float *b, size_t ldb, size_t K, size_t columns,
                                        float *c, size_t ldc) {
    size_t j = 0;
    for (; j + 32 <= columns; j += 32) product_6x32(ap, b + j, ldb, K, c + j, ldc);
    for (; j < columns; j += 16) product_6x16(ap, b + j, ldb, K, c + j, ldc);
}

/* AVX-512 where the CPU has it, unless AF_ORTOPS_AVX512=0 (for measuring the AVX2 blocks on the same CPU). */
static int use_avx512(void) {
    static int known = -1;
    if (known < 0) {
        const char *env = getenv("AF_ORTOPS_AVX512");
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && !(env && env[0] == '0');
    }
    return known;
}

static void product_panels(const float *ap, size_t rows6, const float *b, size_t ldb, size_t K, size_t columns,
                           float *c, size_t ldc) {
    if (use_avx512()) product_panels_avx512(ap, rows6, b, ldb, K, columns, c, ldc);
    else product_panels_any(ap, rows6, b, ldb, K, columns, c, ldc);
}

static void residual_panels(const float *ap, size_t rows6, const float *b, size_t ldb, size_t K, size_t columns,
                            const float *x, const float *bias, float *y, size_t ld) {
    if (use_avx512()) residual_panels_avx512(ap, rows6, b, ldb, K, columns, x, bias, y, ld);
    else residual_panels_any(ap, rows6, b, ldb, K, columns, x, bias, y, ld);
}

static void product_strip(const float *ap, const float *b, size_t ldb, size_t K, size_t columns, float *c, size_t ldc) {
    if (use_avx512()) product_strip_avx512(ap, b, ldb, K, columns, c, ldc);
    else product_strip_any(ap, b, ldb, K, columns, c, ldc);
}

/* w [rows, K] (row-major) as blocks of six rows packed k-major: out[blk][k][i] = w[6 blk + i][k], zero past rows. */
static void pack_rows_of_six(const float *w, size_t rows, size_t K, float *out) {
    size_t blocks = (rows + 5) / 6;
    for (size_t blk = 0; blk < blocks; blk++)
        for (size_t k = 0; k < K; k++)
            for (size_t i = 0; i < 6; i++) {
                size_t row = blk * 6 + i;
                out[(blk * K + k) * 6 + i] = row < rows ? w[row * K + k] : 0.0f;
            }
}

static size_t round16(size_t n) { return (n + 15) / 16 * 16; }

/*
 * Tile rows per block: about 32 tiles of every channel (the block's transformed input, alpha x C x 32 floats, 196 KB
 * at 128 channels, stays in a core's L2 cache; measured on 2 AVX2 cores, 16-64 tiles were within noise of each other
 * at 128 and 256 channels; AF_RESIDUAL_TILES overrides, for measuring), in whole rows of d
 * tiles. The products run 16 columns at a time, so the row count whose tiles fill the 16-column blocks best is taken,
 * up to one block past the target (ties: the one nearest the target).
 */
static size_t residual_block_rows(size_t C, size_t d, size_t rows_out) {
    const char *env = getenv("AF_RESIDUAL_TILES");
    size_t target = env && *env ? (size_t)atol(env) : 32;
    if (target < 16) target = 16;
    (void)C;
    size_t chosen = 1;
    double best = -1, best_distance = 0;
    for (size_t rows = 1; round16(rows * d) <= round16(target) + 16; rows++) {
        double fill = (double)(rows * d) / (double)round16(rows * d);
        double distance = fabs((double)(rows * d) - (double)target);
        if (fill > best + 1e-9 || (fill > best - 1e-9 && distance < best_distance)) {
            best = fill;
            best_distance = distance;
            chosen = rows;
        }
    }
    return chosen < rows_out ? chosen : (rows_out ? rows_out : 1);
}

typedef struct {
    const float *x, *bt, *at, *bias1, *bias2, *alpha1, *inv_beta1, *alpha2, *inv_beta2;
    const float *u_packed;  /* [a][blocks of 6 outputs][C][6] */
    const float *w2_packed; /* [blocks of 6 outputs][C][6] */
    size_t batch, channels, length, alpha, m, d, pad, kernel_rows, rows_out, block_rows, blocks_per_item;
    float *y;
    int paired_in, paired_out; /* bt's rows, at's columns pair up */
} ResidualWork;

/*
 * Blocks [first, end) of (batch item, R tile rows): the R*m*d outputs of every channel for those rows, computed from
 * the input with everything in between in per-thread buffers of a few hundred KB (cache), never in memory:
 * snake1 -> input transform -> alpha products (6 output channels at a time) -> output transform + bias1 -> snake2
 * -> the 1 x 1 convolution -> + bias2 + x.
 */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) /* as deinterleave's */
static int residual_blocks(void *context, size_t first, size_t end) {
    ResidualWork *w = (ResidualWork *)context;
    size_t C = w->channels, m = w->m, d = w->d, alpha = w->alpha, R = w->block_rows, blocks6 = (C + 5) / 6;
    size_t tiles_max = R * d, NB = round16(tiles_max), LH = round16(R * m * d);
    size_t segment_max = (R + w->kernel_rows - 1) * m * d, q_len_max = (R + w->kernel_rows - 1) * d;
    float *act = (float *)malloc(sizeof(float) * segment_max);
    float *q = (float *)malloc(sizeof(float) * m * q_len_max);
    float *v = (float *)malloc(sizeof(float) * alpha * C * NB);
    float *mt = (float *)malloc(sizeof(float) * alpha * blocks6 * 6 * NB);
    float *obuf = (float *)malloc(sizeof(float) * m * NB);
    float *h = (float *)malloc(sizeof(float) * C * LH);
    float *z = (float *)malloc(sizeof(float) * 6 * LH);
    int failed = !act || !q || !v || !mt || !obuf || !h || !z;
    for (size_t blk = first; blk < end && !failed; blk++) {
        size_t item = blk / w->blocks_per_item, r0 = blk % w->blocks_per_item * R;
        size_t rows = w->rows_out - r0 < R ? w->rows_out - r0 : R, tiles = rows * d, outputs = rows * m * d;
        size_t q_len = (rows + w->kernel_rows - 1) * d, segment = q_len * m;
        long start = (long)(r0 * m * d) - (long)w->pad;
        const float *xi = w->x + item * C * w->length;
        /* snake1 and the input transform, channel by channel: v[a][c][tile], columns past `tiles` zero. */
        for (size_t c = 0; c < C; c++) {
            const float *xc = xi + c * w->length;
            long lo = start < 0 ? -start : 0, hi = (long)w->length - start;
            if (hi > (long)segment) hi = (long)segment;
            if (hi < lo) hi = lo;
            for (long t = 0; t < lo; t++) act[t] = 0.0f;
            if (hi > lo) snake_row(xc + start + lo, act + lo, (size_t)(hi - lo), w->alpha1[c], w->inv_beta1[c]);
            for (long t = hi; t < (long)segment; t++) act[t] = 0.0f;
            deinterleave(act, segment, q, q_len, rows + w->kernel_rows - 1, m, d, 0);
            winograd_in_channel(q, q_len, w->bt, alpha, m, d, tiles, v + c * NB, C * NB, w->paired_in);
            for (size_t a = 0; a < alpha; a++)
                for (size_t j = tiles; j < NB; j++) v[(a * C + c) * NB + j] = 0.0f;
        }
        /* The products and the output transform, six output channels at a time: h[c][t] = snake2(conv1 + bias1). */
        size_t cols = round16(tiles);
        for (size_t a = 0; a < alpha; a++)
            product_panels(w->u_packed + a * blocks6 * C * 6, blocks6, v + a * C * NB, NB, C, cols,
                           mt + a * blocks6 * 6 * NB, NB);
        for (size_t b6 = 0; b6 < blocks6; b6++) {
            for (size_t i = 0; i < 6 && b6 * 6 + i < C; i++) {
                size_t c = b6 * 6 + i;
                winograd_out_chunk(mt + c * NB, blocks6 * 6 * NB, w->at, alpha, m, tiles, w->bias1[c], obuf, NB,
                                   w->paired_out);
                float *hc = h + c * LH;
                tiles_to_time(obuf, NB, hc, rows, m, d);
                snake_row(hc, hc, outputs, w->alpha2[c], w->inv_beta2[c]);
                for (size_t t = outputs; t < LH; t++) hc[t] = 0.0f;
            }
        }
        /* The 1 x 1 convolution, six output channels at a time, + bias2 + the unit's input: straight into y where
         * six whole rows and 16 whole columns are inside the signal, through z for the edges. */
        size_t t0 = r0 * m * d, valid = w->length - t0 < outputs ? w->length - t0 : outputs, whole = valid / 16 * 16;
        const float *x0 = xi + t0;
        float *y0 = w->y + item * C * w->length + t0;
        size_t full6 = C / 6;
        if (whole > 0) residual_panels(w->w2_packed, full6, h, LH, C, whole, x0, w->bias2, y0, w->length);
        for (size_t b6 = 0; b6 < blocks6; b6++) {
            const float *ap = w->w2_packed + b6 * C * 6;
            size_t first_z = b6 < full6 ? whole : 0;
            if (first_z == valid) continue;
            product_strip(ap, h + first_z, LH, C, round16(valid - first_z), z, LH);
            for (size_t i = 0; i < 6 && b6 * 6 + i < C; i++) {
                size_t c = b6 * 6 + i;
                const float *xc = x0 + c * w->length;
                float *yc = y0 + c * w->length, b2 = w->bias2[c];
                for (size_t t = first_z; t < valid; t++) yc[t] = xc[t] + z[i * LH + t - first_z] + b2;
            }
        }
    }
    free(act);
    free(q);
    free(v);
    free(mt);
    free(obuf);
    free(h);
    free(z);
    return failed;
}

/* ---------- the kernel ---------- */

typedef struct {
    const OrtApi *api;
} SnakeKernel;

static int ok(const OrtApi *api, OrtStatus *status) {
    if (!status) return 1;
    ((ReleaseStatusFn)API_FN(api, SLOT_ReleaseStatus))(status);
    return 0;
}

/* Shape of a value into dims (up to 8); returns the rank or -1. */
static int shape_of(const OrtApi *api, const OrtValue *v, int64_t *dims, size_t *count) {
    OrtShapeInfo *info = NULL;
    if (!ok(api, ((GetTensorTypeAndShapeFn)API_FN(api, SLOT_GetTensorTypeAndShape))(v, &info))) return -1;
    size_t rank = 0;
    int good = ok(api, ((GetDimensionsCountFn)API_FN(api, SLOT_GetDimensionsCount))(info, &rank)) && rank <= 8
               && ok(api, ((GetDimensionsFn)API_FN(api, SLOT_GetDimensions))(info, dims, rank))
               && ok(api, ((GetElementCountFn)API_FN(api, SLOT_GetTensorShapeElementCount))(info, count));
    ((ReleaseShapeInfoFn)API_FN(api, SLOT_ReleaseTensorTypeAndShapeInfo))(info);
    return good ? (int)rank : -1;
}

static OrtStatus *fail(const OrtApi *api, const char *message) {
    return ((CreateStatusFn)API_FN(api, SLOT_CreateStatus))(ORT_INVALID_ARGUMENT, message);
}

/*
 * Rows [0, rows) on ONNX Runtime's own intra-op threads (KernelContext_ParallelFor), in up to 8 chunks; small tensors
 * on the calling thread. Returns 0 when every row was done. No operator here starts threads of its own: between the
 * DiT's multi-threaded products ONNX Runtime's workers spin-wait for the next node, so work given to them starts at
 * once, where a thread of ours would compete with them for the cores (and threads started per node cost their start).
 * The VAE's operators ran on threads of their own until 2026-12-02; on the pool its 10 s decode took 4.57-5.21 s
 * against 4.84-5.51 s (docs/benchmarks.md, eleventh).
 */
typedef struct {
    RowsFn fn;
    void *context;
    size_t rows, chunks;
    int failed;
} PoolWork;

static void pool_chunk(void *arg, size_t i) {
    PoolWork *w = (PoolWork *)arg;
    if (w->fn(w->context, w->rows * i / w->chunks, w->rows * (i + 1) / w->chunks))
        __atomic_store_n(&w->failed, 1, __ATOMIC_RELAXED);
}

static int pool_rows(const OrtApi *api, OrtKernelContext *context, RowsFn fn, void *work, size_t rows, size_t elements) {
    size_t chunks = elements < ((size_t)1 << 16) ? 1 : rows < 8 ? rows : 8;
    if (chunks <= 1) return fn(work, 0, rows);
    PoolWork pool = {fn, work, rows, chunks, 0};
    OrtStatus *s = ((ParallelForFn)API_FN(api, SLOT_KernelContext_ParallelFor))(context, pool_chunk, chunks, 0, &pool);
    if (s) { /* no pool: every row on this thread (rows are pure functions of the inputs, so redoing any is safe) */
        ((ReleaseStatusFn)API_FN(api, SLOT_ReleaseStatus))(s);
        return fn(work, 0, rows);
    }
    return pool.failed;
}

/* y = snake(x); every malformed call (which the engine's graphs never make) is an error status, never a crash. */
static OrtStatus *snake_compute_v2(void *kernel, OrtKernelContext *context) {
    const OrtApi *api = ((SnakeKernel *)kernel)->api;
    GetInputFn input = (GetInputFn)API_FN(api, SLOT_KernelContext_GetInput);
    const OrtValue *xv = NULL, *av = NULL, *bv = NULL;
    if (!ok(api, input(context, 0, &xv)) || !ok(api, input(context, 1, &av)) || !ok(api, input(context, 2, &bv))
        || !xv || !av || !bv)
        return fail(api, "Snake: needs three inputs (x, alpha, inv_beta)");
    int64_t dims[8], adims[8], bdims[8];
    size_t n = 0, na = 0, nb = 0;
    int rank = shape_of(api, xv, dims, &n);
    if (rank != 3) return fail(api, "Snake: x must be [batch, channels, time]");
    size_t channels = (size_t)dims[1];
    if (shape_of(api, av, adims, &na) < 0 || shape_of(api, bv, bdims, &nb) < 0 || na != channels || nb != channels)
        return fail(api, "Snake: alpha and inv_beta must hold one value per channel");
    OrtValue *yv = NULL;
    if (!ok(api, ((GetOutputFn)API_FN(api, SLOT_KernelContext_GetOutput))(context, 0, dims, 3, &yv)) || !yv)
        return fail(api, "Snake: could not allocate the output");
    if (n == 0) return NULL;
    float *x = NULL, *alpha = NULL, *inv_beta = NULL, *y = NULL;
    GetTensorMutableDataFn data = (GetTensorMutableDataFn)API_FN(api, SLOT_GetTensorMutableData);
    if (!ok(api, data((OrtValue *)xv, (void **)&x)) || !ok(api, data(yv, (void **)&y))
        || !ok(api, data((OrtValue *)av, (void **)&alpha)) || !ok(api, data((OrtValue *)bv, (void **)&inv_beta))
        || !x || !y || !alpha || !inv_beta)
        return fail(api, "Snake: could not reach the tensors' data");
    SnakeWork work = {x, alpha, inv_beta, y, channels, (size_t)dims[2]};
    pool_rows(api, context, snake_rows, &work, (size_t)dims[0] * channels, n);
    return NULL;
}

/* The version-1 entry, kept valid in case ONNX Runtime calls it: errors are dropped (the output stays unset). */
static void snake_compute(void *kernel, OrtKernelContext *context) {
    if (!kernel) return;
    OrtStatus *s = snake_compute_v2(kernel, context);
    if (s) ((ReleaseStatusFn)API_FN(((SnakeKernel *)kernel)->api, SLOT_ReleaseStatus))(s);
}

static void *snake_create(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info) {
    (void)op;
    (void)info;
    SnakeKernel *k = (SnakeKernel *)malloc(sizeof(SnakeKernel));
    if (k) k->api = api;
    return k;
}

static OrtStatus *snake_create_v2(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info, void **kernel) {
    *kernel = snake_create(op, api, info);
    return *kernel ? NULL : fail(api, "Snake: out of memory");
}

static void snake_destroy(void *kernel) { free(kernel); /* every kernel here is one malloc'd struct */ }
static const char *snake_name(const OrtCustomOp *op) { (void)op; return "Snake"; }
static const char *cpu_provider(const OrtCustomOp *op) { (void)op; return "CPUExecutionProvider"; }
static int float_type(const OrtCustomOp *op, size_t i) { (void)op; (void)i; return ONNX_FLOAT; }
static size_t three(const OrtCustomOp *op) { (void)op; return 3; }
static size_t one(const OrtCustomOp *op) { (void)op; return 1; }
static int required(const OrtCustomOp *op, size_t i) { (void)op; (void)i; return 0; /* INPUT_OUTPUT_REQUIRED */ }
static int default_memory(const OrtCustomOp *op, size_t i) { (void)op; (void)i; return 0; /* OrtMemTypeDefault */ }
static int one_int(const OrtCustomOp *op) { (void)op; return 1; }
static int end_version(const OrtCustomOp *op) { (void)op; return 2147483647; }
static size_t no_pairs(int **in, int **out) { *in = NULL; *out = NULL; return 0; }
static void release_pairs(int *in, int *out) { (void)in; (void)out; }

static const OrtCustomOp SNAKE = {
    16, snake_create, snake_name, cpu_provider, float_type, three, float_type, one, snake_compute, snake_destroy,
    required, required, default_memory, one_int, one_int, one_int, one_int,
    snake_create_v2, snake_compute_v2, NULL, one_int, end_version, no_pairs, release_pairs, no_pairs, release_pairs,
};

/* ---------- the Winograd kernels ---------- */

typedef struct {
    const OrtApi *api;
    int64_t tile, dilation, phases;
    int snake; /* SnakeWinogradIn / WinogradOutSnake: two more inputs, the Snake's alpha and inv_beta per channel */
} WinogradKernel;

static OrtStatus *int_attribute(const OrtApi *api, const OrtKernelInfo *info, const char *name, int64_t *out,
                                const char *message) {
    OrtStatus *s = ((GetAttributeIntFn)API_FN(api, SLOT_KernelInfoGetAttribute_int64))(info, name, out);
    if (s) {
        ((ReleaseStatusFn)API_FN(api, SLOT_ReleaseStatus))(s);
        return fail(api, message);
    }
    return NULL;
}

static OrtStatus *winograd_create(const OrtApi *api, const OrtKernelInfo *info, int needs_tile, int snake, void **kernel) {
    *kernel = NULL;
    WinogradKernel k = {api, 1, 1, 1, snake};
    OrtStatus *s = needs_tile ? int_attribute(api, info, "tile", &k.tile, "WinogradIn: needs an int attribute 'tile'") : NULL;
    if (!s) s = int_attribute(api, info, "dilation", &k.dilation, "Winograd: needs an int attribute 'dilation'");
    if (s) return s;
    if (k.tile < 1 || k.tile > MAX_POINTS || k.dilation < 1 || k.dilation > (1 << 20))
        return fail(api, "Winograd: tile must be 1..16 and dilation 1..2^20");
    if (!needs_tile && !snake) { /* WinogradOut's optional 'phases' (a transposed convolution's stride), default 1 */
        OrtStatus *missing = ((GetAttributeIntFn)API_FN(api, SLOT_KernelInfoGetAttribute_int64))(info, "phases", &k.phases);
        if (missing) {
            ((ReleaseStatusFn)API_FN(api, SLOT_ReleaseStatus))(missing);
            k.phases = 1;
        }
        if (k.phases < 1 || k.phases > 64 || (k.phases > 1 && k.dilation != 1))
            return fail(api, "WinogradOut: phases must be 1..64, and dilation 1 when above 1");
    }
    WinogradKernel *made = (WinogradKernel *)malloc(sizeof(WinogradKernel));
    if (!made) return fail(api, "Winograd: out of memory");
    *made = k;
    *kernel = made;
    return NULL;
}

static OrtStatus *inputs_of(const OrtApi *api, OrtKernelContext *context, size_t count, const OrtValue **values,
                            const char *message) {
    GetInputFn input = (GetInputFn)API_FN(api, SLOT_KernelContext_GetInput);
    for (size_t i = 0; i < count; i++)
        if (!ok(api, input(context, i, &values[i])) || !values[i]) return fail(api, message);
    return NULL;
}

static int data_of(const OrtApi *api, const OrtValue *value, float **out) {
    *out = NULL;
    return ok(api, ((GetTensorMutableDataFn)API_FN(api, SLOT_GetTensorMutableData))((OrtValue *)value, (void **)out))
           && *out;
}

/* The Snake's alpha and inv_beta (inputs `first` and `first` + 1), one value per channel each. */
static OrtStatus *snake_inputs(const OrtApi *api, OrtKernelContext *context, size_t first, size_t channels,
                               const float **alpha, const float **inv_beta, const char *message) {
    const OrtValue *in[2];
    GetInputFn input = (GetInputFn)API_FN(api, SLOT_KernelContext_GetInput);
    int64_t dims[8];
    size_t count = 0;
    for (size_t i = 0; i < 2; i++)
        if (!ok(api, input(context, first + i, &in[i])) || !in[i] || shape_of(api, in[i], dims, &count) < 0
            || count != channels)
            return fail(api, message);
    float *a = NULL, *b = NULL;
    if (!data_of(api, in[0], &a) || !data_of(api, in[1], &b)) return fail(api, message);
    *alpha = a;
    *inv_beta = b;
    return NULL;
}

/* v = input transform of x (of snake(x) for SnakeWinogradIn): [a, B, C, n] with n = ceil(T / (m*d)) * d. */
static OrtStatus *winograd_in_compute_v2(void *kernel, OrtKernelContext *context) {
    WinogradKernel *k = (WinogradKernel *)kernel;
    const OrtApi *api = k->api;
    const OrtValue *in[2];
    OrtStatus *s = inputs_of(api, context, 2, in, "WinogradIn: needs two inputs (x, bt)");
    if (s) return s;
    int64_t xd[8], bd[8];
    size_t nx = 0, nb = 0;
    if (shape_of(api, in[0], xd, &nx) != 3) return fail(api, "WinogradIn: x must be [batch, channels, time]");
    if (shape_of(api, in[1], bd, &nb) != 2 || bd[0] != bd[1] || bd[0] > MAX_POINTS || bd[0] < k->tile
        || (bd[0] - k->tile) % 2 != 0)
        return fail(api, "WinogradIn: bt must be [a, a] with a - tile even, a <= 16");
    size_t m = (size_t)k->tile, d = (size_t)k->dilation, alpha = (size_t)bd[0], length = (size_t)xd[2];
    size_t rows_out = (length + m * d - 1) / (m * d);
    int64_t dims[4] = {(int64_t)alpha, xd[0], xd[1], (int64_t)(rows_out * d)};
    OrtValue *vv = NULL;
    if (!ok(api, ((GetOutputFn)API_FN(api, SLOT_KernelContext_GetOutput))(context, 0, dims, 4, &vv)) || !vv)
        return fail(api, "WinogradIn: could not allocate the output");
    size_t rows = (size_t)xd[0] * (size_t)xd[1];
    if (rows == 0 || length == 0) return NULL;
    float *x = NULL, *bt = NULL, *v = NULL;
    if (!data_of(api, in[0], &x) || !data_of(api, in[1], &bt) || !data_of(api, vv, &v))
        return fail(api, "WinogradIn: could not reach the tensors' data");
    WinogradInWork work = {x, bt, v, rows, length, alpha, m, d, (alpha - m) / 2 * d, rows_out,
                           (alpha + m - 1) / m, NULL, NULL, (size_t)xd[1], paired_rows(bt, alpha)};
    if (k->snake && (s = snake_inputs(api, context, 2, (size_t)xd[1], &work.snake_alpha, &work.snake_inv_beta,
                                      "SnakeWinogradIn: alpha and inv_beta must hold one value per channel")))
        return s;
    return pool_rows(api, context, winograd_in_rows, &work, rows, nx) ? fail(api, "WinogradIn: out of memory") : NULL;
}

/* y = output transform of p (+ bias), cut to the length of `like` (then the Snake, for WinogradOutSnake): [B, C, T]. */
static OrtStatus *winograd_out_compute_v2(void *kernel, OrtKernelContext *context) {
    WinogradKernel *k = (WinogradKernel *)kernel;
    const OrtApi *api = k->api;
    const OrtValue *in[4];
    OrtStatus *s = inputs_of(api, context, 4, in, "WinogradOut: needs four inputs (p, at, bias, like)");
    if (s) return s;
    int64_t pd[8], ad[8], bd[8], ld[8];
    size_t np = 0, na = 0, nb = 0, nl = 0;
    if (shape_of(api, in[0], pd, &np) != 4) return fail(api, "WinogradOut: p must be [a, batch, channels, n]");
    if (pd[2] % k->phases != 0) return fail(api, "WinogradOut: p's channels must be a multiple of phases");
    if (shape_of(api, in[1], ad, &na) != 2 || ad[1] != pd[0] || ad[0] < 1 || ad[0] > MAX_POINTS)
        return fail(api, "WinogradOut: at must be [m, a]");
    if (shape_of(api, in[2], bd, &nb) < 0 || nb * (size_t)k->phases != (size_t)pd[2])
        return fail(api, "WinogradOut: bias must hold one value per channel");
    if (shape_of(api, in[3], ld, &nl) != 3 || ld[0] != pd[1])
        return fail(api, "WinogradOut: like must be [batch, *, time]");
    size_t m = (size_t)ad[0], d = (size_t)k->dilation, n = (size_t)pd[3], length = (size_t)ld[2];
    size_t phases = (size_t)k->phases, channels = (size_t)pd[2] / phases;
    if (n % d != 0 || n / d * m * d < length) return fail(api, "WinogradOut: p has too few tiles for like's length");
    int64_t dims[3] = {pd[1], (int64_t)channels, ld[2] * (int64_t)phases};
    OrtValue *yv = NULL;
    if (!ok(api, ((GetOutputFn)API_FN(api, SLOT_KernelContext_GetOutput))(context, 0, dims, 3, &yv)) || !yv)
        return fail(api, "WinogradOut: could not allocate the output");
    size_t rows = (size_t)pd[1] * (size_t)pd[2];
    if (rows == 0 || length == 0) return NULL;
    float *p = NULL, *at = NULL, *bias = NULL, *y = NULL;
    if (!data_of(api, in[0], &p) || !data_of(api, in[1], &at) || !data_of(api, in[2], &bias) || !data_of(api, yv, &y))
        return fail(api, "WinogradOut: could not reach the tensors' data");
    WinogradOutWork work = {p, at, bias, y, rows, channels, (size_t)pd[0], m, d, n, length, NULL, NULL, phases,
                            paired_columns(at, m, (size_t)pd[0])};
    if (phases > 1)
        return pool_rows(k->api, context, winograd_out_phase_rows, &work, rows / phases, np) ? fail(api, "WinogradOut: out of memory") : NULL;
    if (k->snake && (s = snake_inputs(api, context, 4, (size_t)pd[2], &work.snake_alpha, &work.snake_inv_beta,
                                      "WinogradOutSnake: alpha and inv_beta must hold one value per channel")))
        return s;
    return pool_rows(k->api, context, winograd_out_rows, &work, rows, np) ? fail(api, "WinogradOut: out of memory") : NULL;
}

/*
 * ResidualUnit(x [B, C, T], bt [a, a], alpha1, inv_beta1, u [a, 1, C, C], at [m, a], bias1, alpha2, inv_beta2,
 * w2 [C, C, 1], bias2; tile m, dilation d) -> y = x + conv2(snake2(conv1(snake1(x)) + bias1)) + bias2 with conv1 the
 * 7-tap "same" convolution at dilation d by Winograd (u its transformed kernel) and conv2 1 x 1: a VAE residual unit.
 */
static OrtStatus *residual_compute_v2(void *kernel, OrtKernelContext *context) {
    WinogradKernel *k = (WinogradKernel *)kernel;
    const OrtApi *api = k->api;
    const OrtValue *in[11];
    OrtStatus *s = inputs_of(api, context, 11, in,
                             "ResidualUnit: needs 11 inputs (x, bt, alpha1, inv_beta1, u, at, bias1, alpha2, inv_beta2, w2, bias2)");
    if (s) return s;
    int64_t xd[8], bd[8], ud[8], ad[8], wd[8], dims[8];
    size_t nx = 0, nb = 0, nu = 0, na = 0, nw = 0, count = 0;
    if (shape_of(api, in[0], xd, &nx) != 3) return fail(api, "ResidualUnit: x must be [batch, channels, time]");
    if (shape_of(api, in[1], bd, &nb) != 2 || bd[0] != bd[1] || bd[0] > MAX_POINTS || bd[0] < k->tile
        || (bd[0] - k->tile) % 2 != 0)
        return fail(api, "ResidualUnit: bt must be [a, a] with a - tile even, a <= 16");
    size_t C = (size_t)xd[1], alpha = (size_t)bd[0], m = (size_t)k->tile, d = (size_t)k->dilation;
    if (shape_of(api, in[4], ud, &nu) < 0 || nu != alpha * C * C)
        return fail(api, "ResidualUnit: u must be [a, 1, channels, channels]");
    if (shape_of(api, in[5], ad, &na) != 2 || (size_t)ad[0] != m || (size_t)ad[1] != alpha)
        return fail(api, "ResidualUnit: at must be [tile, a]");
    if (shape_of(api, in[9], wd, &nw) < 0 || nw != C * C) return fail(api, "ResidualUnit: w2 must be [channels, channels, 1]");
    const size_t per_channel[] = {2, 3, 6, 7, 8, 10};
    for (size_t i = 0; i < sizeof per_channel / sizeof per_channel[0]; i++)
        if (shape_of(api, in[per_channel[i]], dims, &count) < 0 || count != C)
            return fail(api, "ResidualUnit: the Snakes' parameters and the biases must hold one value per channel");
    OrtValue *yv = NULL;
    if (!ok(api, ((GetOutputFn)API_FN(api, SLOT_KernelContext_GetOutput))(context, 0, xd, 3, &yv)) || !yv)
        return fail(api, "ResidualUnit: could not allocate the output");
    size_t length = (size_t)xd[2], batch = (size_t)xd[0];
    if (batch == 0 || C == 0 || length == 0) return NULL;
    float *p[11], *y = NULL;
    for (size_t i = 0; i < 11; i++)
        if (!data_of(api, in[i], &p[i])) return fail(api, "ResidualUnit: could not reach the tensors' data");
    if (!data_of(api, yv, &y)) return fail(api, "ResidualUnit: could not reach the tensors' data");
    size_t rows_out = (length + m * d - 1) / (m * d), block_rows = residual_block_rows(C, d, rows_out);
    size_t blocks6 = (C + 5) / 6;
    float *u_packed = (float *)malloc(sizeof(float) * alpha * blocks6 * 6 * C);
    float *w2_packed = (float *)malloc(sizeof(float) * blocks6 * 6 * C);
    if (!u_packed || !w2_packed) {
        free(u_packed);
        free(w2_packed);
        return fail(api, "ResidualUnit: out of memory");
    }
    for (size_t a = 0; a < alpha; a++) pack_rows_of_six(p[4] + a * C * C, C, C, u_packed + a * blocks6 * 6 * C);
    pack_rows_of_six(p[9], C, C, w2_packed);
    size_t blocks_per_item = (rows_out + block_rows - 1) / block_rows;
    ResidualWork work = {p[0], p[1], p[5], p[6], p[10], p[2], p[3], p[7], p[8], u_packed, w2_packed,
                         batch, C, length, alpha, m, d, (alpha - m) / 2 * d, (alpha + m - 1) / m, rows_out, block_rows,
                         blocks_per_item, y, paired_rows(p[1], alpha), paired_columns(p[5], m, alpha)};
    int failed = pool_rows(api, context, residual_blocks, &work, batch * blocks_per_item, nx);
    free(u_packed);
    free(w2_packed);
    return failed ? fail(api, "ResidualUnit: out of memory") : NULL;
}

static void residual_compute(void *kernel, OrtKernelContext *context) {
    if (!kernel) return;
    OrtStatus *s = residual_compute_v2(kernel, context);
    if (s) ((ReleaseStatusFn)API_FN(((WinogradKernel *)kernel)->api, SLOT_ReleaseStatus))(s);
}

static void winograd_in_compute(void *kernel, OrtKernelContext *context) {
    if (!kernel) return;
    OrtStatus *s = winograd_in_compute_v2(kernel, context);
    if (s) ((ReleaseStatusFn)API_FN(((WinogradKernel *)kernel)->api, SLOT_ReleaseStatus))(s);
}

static void winograd_out_compute(void *kernel, OrtKernelContext *context) {
    if (!kernel) return;
    OrtStatus *s = winograd_out_compute_v2(kernel, context);
    if (s) ((ReleaseStatusFn)API_FN(((WinogradKernel *)kernel)->api, SLOT_ReleaseStatus))(s);
}

/* The Snake-fused variants are told apart by name: SnakeWinogradIn, WinogradOutSnake. */
static int with_snake(const OrtCustomOp *op) {
    return op && strstr(op->GetName(op), "Snake") != NULL;
}

static OrtStatus *winograd_in_create_v2(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info, void **kernel) {
    return winograd_create(api, info, 1, with_snake(op), kernel);
}

static OrtStatus *winograd_out_create_v2(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info, void **kernel) {
    return winograd_create(api, info, 0, with_snake(op), kernel);
}

static void *winograd_in_create(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info) {
    void *kernel = NULL;
    OrtStatus *s = winograd_in_create_v2(op, api, info, &kernel);
    if (s) ((ReleaseStatusFn)API_FN(api, SLOT_ReleaseStatus))(s);
    return kernel;
}

static void *winograd_out_create(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info) {
    void *kernel = NULL;
    OrtStatus *s = winograd_out_create_v2(op, api, info, &kernel);
    if (s) ((ReleaseStatusFn)API_FN(api, SLOT_ReleaseStatus))(s);
    return kernel;
}

static const char *winograd_in_name(const OrtCustomOp *op) { (void)op; return "WinogradIn"; }
static const char *winograd_out_name(const OrtCustomOp *op) { (void)op; return "WinogradOut"; }
static const char *snake_winograd_in_name(const OrtCustomOp *op) { (void)op; return "SnakeWinogradIn"; }
static const char *winograd_out_snake_name(const OrtCustomOp *op) { (void)op; return "WinogradOutSnake"; }
static size_t six(const OrtCustomOp *op) { (void)op; return 6; }
static size_t two(const OrtCustomOp *op) { (void)op; return 2; }
static size_t four(const OrtCustomOp *op) { (void)op; return 4; }
static size_t eleven(const OrtCustomOp *op) { (void)op; return 11; }
static const char *residual_name(const OrtCustomOp *op) { (void)op; return "ResidualUnit"; }

/* A Winograd operator's table: its name, input count and kernel entry points; the rest as the Snake's. */
#define WINOGRAD_OP(name, inputs, create, create_v2, compute, compute_v2)                                          \
    {16, create, name, cpu_provider, float_type, inputs, float_type, one, compute, snake_destroy, required, required, \
     default_memory, one_int, one_int, one_int, one_int, create_v2, compute_v2, NULL, one_int, end_version, no_pairs,  \
     release_pairs, no_pairs, release_pairs}

static const OrtCustomOp WINOGRAD_IN = WINOGRAD_OP(winograd_in_name, two, winograd_in_create, winograd_in_create_v2,
                                                   winograd_in_compute, winograd_in_compute_v2);
static const OrtCustomOp WINOGRAD_OUT = WINOGRAD_OP(winograd_out_name, four, winograd_out_create, winograd_out_create_v2,
                                                    winograd_out_compute, winograd_out_compute_v2);
static const OrtCustomOp SNAKE_WINOGRAD_IN = WINOGRAD_OP(snake_winograd_in_name, four, winograd_in_create,
                                                         winograd_in_create_v2, winograd_in_compute, winograd_in_compute_v2);
static const OrtCustomOp WINOGRAD_OUT_SNAKE = WINOGRAD_OP(winograd_out_snake_name, six, winograd_out_create,
                                                          winograd_out_create_v2, winograd_out_compute,
                                                          winograd_out_compute_v2);

/* ResidualUnit takes WinogradIn's attributes (tile, dilation); its Snakes are inputs, not a variant. */
static const OrtCustomOp RESIDUAL_UNIT = WINOGRAD_OP(residual_name, eleven, winograd_in_create, winograd_in_create_v2,
                                                     residual_compute, residual_compute_v2);

/* ---------- the transformers' small operators ---------- */

/*
 * RmsNorm(x [..., N], weight [D], eps [1]) -> x / sqrt(mean(x^2) + eps) * weight over each group of D of the last
 * axis (D = N: a layer's norm; D = head size: Qwen3's per-head q/k norm).
 * RmsNormRope(x [B, S, heads * D], weight [D], eps [1], cos [>= S, D/2], sin [>= S, D/2]) -> the same, then the
 * rotate-half RoPE of position s (the row's index in the sequence) on every head.
 * AdaRmsNorm(x [B, S, H], weight [H], eps [1], shift, scale) -> RmsNorm(x) * (1 + scale) + shift, with shift and scale
 * [B, 1, H] (or [H]): the DiT's AdaLN modulation.
 * GatedAdd(x [B, S, H], gate [B, 1, H] (or [H]), y [B, S, H]) -> x + gate * y: the DiT's gated residual.
 * SwiGlu(gu [..., 2I]) -> silu(gu[..., :I]) * gu[..., I:], and SiluMul(g, u) -> silu(g) * u: the MLP's gate.
 * They run on ONNX Runtime's intra-op threads (pool_rows), not threads of their own: in the DiT they sit between its
 * multi-threaded products, whose workers spin-wait from one product to the next; threads of ours would compete with
 * them, and turning their spinning off (as for the VAE's operators) cost the DiT step ~25 %, while one thread alone was
 * held to one core's memory bandwidth (docs/benchmarks.md, 2026-12-02 eleventh).
 * Why by hand: in a 10 s song's DiT step (125 tokens) ONNX Runtime spent ~100 ms on these as 15 standard operators per
 * layer (its RMSNormalization alone 0.2-0.36 ms a call for 1 MB, the gate's Split, QuickGelu and Mul 1.2 ms), each a
 * pass over memory with its own dispatch (docs/benchmarks.md, 2026-12-02 eleventh). ONNX Runtime has no fused
 * AdaLN, gated residual or SwiGLU for CPU.
 */

/* The sum of squares of n floats in 16 partial sums (so it vectorizes without reassociating by -ffast-math). */
static inline __attribute__((always_inline)) float sum_of_squares(const float *x, size_t n) {
    float acc[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (size_t j = 0; j < 16; j++) acc[j] += x[i + j] * x[i + j];
    float s = 0;
    for (; i < n; i++) s += x[i] * x[i];
    for (size_t j = 0; j < 16; j++) s += acc[j];
    return s;
}

typedef struct {
    const float *x, *weight, *shift, *scale, *cos, *sin;
    float *y;
    size_t width, group, seq, mod_stride;
    float eps;
} NormWork;

/* One head of RmsNormRope: a = x * inv * weight, then the rotate-half RoPE with this position's cos and sin. */
static inline __attribute__((always_inline)) void norm_rope_head(const float *restrict x, float *restrict y,
                                                                 const float *restrict weight, const float *restrict c,
                                                                 const float *restrict sn, float inv, size_t half) {
    for (size_t i = 0; i < half; i++) {
        float a = x[i] * inv * weight[i], b = x[half + i] * inv * weight[half + i];
        y[i] = a * c[i] - b * sn[i];
        y[half + i] = b * c[i] + a * sn[i];
    }
}

/* Rows [first, end) of a norm: each row one token's width floats, in groups of `group`. */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static int norm_rows(void *context, size_t first, size_t end) {
    NormWork *w = (NormWork *)context;
    const size_t D = w->group, half = D / 2, width = w->width;
    const float *restrict weight = w->weight;
    const float eps = w->eps;
    for (size_t r = first; r < end; r++) {
        const float *restrict x = w->x + r * width;
        float *restrict y = w->y + r * width;
        for (size_t g = 0; g < width; g += D) {
            const float inv = 1.0f / sqrtf(sum_of_squares(x + g, D) / (float)D + eps);
            if (w->cos) {
                const float *restrict c = w->cos + r % w->seq * half, *restrict sn = w->sin + r % w->seq * half;
                norm_rope_head(x + g, y + g, weight, c, sn, inv, half);
            } else {
                for (size_t i = 0; i < D; i++) y[g + i] = x[g + i] * inv * weight[i];
            }
        }
        if (w->shift) {
            const float *restrict shift = w->shift + r / w->seq * w->mod_stride;
            const float *restrict scale = w->scale + r / w->seq * w->mod_stride;
            for (size_t i = 0; i < width; i++) y[i] = y[i] * (1.0f + scale[i]) + shift[i];
        }
    }
    return 0;
}

typedef struct {
    const float *x, *gate, *v;
    float *y;
    size_t width, seq, gate_stride;
} GatedAddWork;

__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
static int gated_add_rows(void *context, size_t first, size_t end) {
    GatedAddWork *w = (GatedAddWork *)context;
    for (size_t r = first; r < end; r++) {
        const float *restrict x = w->x + r * w->width, *restrict v = w->v + r * w->width;
        const float *restrict gate = w->gate + r / w->seq * w->gate_stride;
        float *restrict y = w->y + r * w->width;
        for (size_t i = 0; i < w->width; i++) y[i] = x[i] + gate[i] * v[i];
    }
    return 0;
}

/*
 * e^z in single precision, vectorizable: z = k ln2 + r with |r| <= ln2/2 (ln2 in two parts), e^r by its Taylor
 * polynomial to r^7 (error ~6e-9 relative), 2^k from the exponent bits. z is clamped to [-87, 88], where 2^k stays a
 * normal float; silu only needs e^-z saturated there.
 */
static inline __attribute__((always_inline)) float exp_float(float z) {
    z = z < -87.0f ? -87.0f : z;
    z = z > 88.0f ? 88.0f : z;
    float k = __builtin_rintf(z * 1.44269504088896341f);
    float r = z - k * 0.693145751953125f;
    r = r - k * 1.42860682030941723e-6f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t bits = ((int32_t)k + 127) << 23;
    float two_k;
    memcpy(&two_k, &bits, sizeof two_k);
    return p * two_k;
}

typedef struct {
    const float *g, *u;
    float *y;
    size_t width, g_stride; /* width I of the output row; a row of g (and u) starts every g_stride floats */
} SiluMulWork;

/* Without trapping math the clamp is a vector select (a float comparison may otherwise trap, so GCC kept a branch). */
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"), optimize("no-trapping-math")))
static int silu_mul_rows(void *context, size_t first, size_t end) {
    SiluMulWork *w = (SiluMulWork *)context;
    for (size_t r = first; r < end; r++) {
        const float *restrict g = w->g + r * w->g_stride, *restrict u = w->u + r * w->g_stride;
        float *restrict y = w->y + r * w->width;
        for (size_t i = 0; i < w->width; i++) y[i] = g[i] / (1.0f + exp_float(-g[i])) * u[i];
    }
    return 0;
}

/* The kernels' common start: `count` inputs, each a float tensor; shapes into dims[i] (rank in ranks[i]). */
static OrtStatus *small_inputs(const OrtApi *api, OrtKernelContext *context, size_t count, const OrtValue **in,
                               int64_t dims[][8], int *ranks, size_t *counts, float **data, const char *message) {
    OrtStatus *s = inputs_of(api, context, count, in, message);
    if (s) return s;
    for (size_t i = 0; i < count; i++) {
        ranks[i] = shape_of(api, in[i], dims[i], &counts[i]);
        if (ranks[i] < 0 || (counts[i] > 0 && !data_of(api, in[i], &data[i]))) return fail(api, message);
        if (counts[i] == 0) data[i] = NULL;
    }
    return NULL;
}

/* The output, shaped as dims; *y is NULL when it has no elements. */
static OrtStatus *small_output(const OrtApi *api, OrtKernelContext *context, const int64_t *dims, size_t rank,
                               size_t count, float **y, const char *name) {
    OrtValue *yv = NULL;
    *y = NULL;
    if (!ok(api, ((GetOutputFn)API_FN(api, SLOT_KernelContext_GetOutput))(context, 0, dims, rank, &yv)) || !yv
        || (count > 0 && !data_of(api, yv, y)))
        return fail(api, name);
    return NULL;
}

/* RmsNorm (3 inputs), RmsNormRope (5: cos, sin) and AdaRmsNorm (5: shift, scale), told apart by name. */
static OrtStatus *norm_compute_v2(void *kernel, OrtKernelContext *context, int kind) {
    const OrtApi *api = ((SnakeKernel *)kernel)->api;
    static const char *const usage[] = {
        "RmsNorm: needs x [..., N], weight [D] with D dividing N, eps [1]",
        "RmsNormRope: needs x [B, S, heads * D], weight [D] with D even, eps [1], cos and sin [>= S, D / 2]",
        "AdaRmsNorm: needs x [B, S, H], weight [H], eps [1], shift and scale [B, 1, H] or [H]"};
    size_t count = kind == 0 ? 3 : 5;
    const OrtValue *in[5];
    int64_t dims[5][8];
    int ranks[5];
    size_t counts[5];
    float *data[5] = {0};
    OrtStatus *s = small_inputs(api, context, count, in, dims, ranks, counts, data, usage[kind]);
    if (s) return s;
    size_t n = counts[0], D = counts[1];
    if (ranks[0] < 1 || counts[2] != 1 || D == 0) return fail(api, usage[kind]);
    size_t width = (size_t)dims[0][ranks[0] - 1];
    if (width % D != 0 || (kind == 2 && width != D)) return fail(api, usage[kind]);
    size_t seq = 1, batch_count = 1;
    if (kind > 0) {
        if (ranks[0] != 3) return fail(api, usage[kind]);
        seq = (size_t)dims[0][1];
        batch_count = (size_t)dims[0][0];
    }
    NormWork work = {data[0], data[1], NULL, NULL, NULL, NULL, NULL, width, D, seq > 0 ? seq : 1, 0, data[2] ? *data[2] : 0};
    if (kind == 1) {
        if (D % 2 != 0 || counts[3] != counts[4] || counts[3] < seq * (D / 2)) return fail(api, usage[kind]);
        work.cos = data[3];
        work.sin = data[4];
    } else if (kind == 2) {
        if (counts[3] != counts[4] || (counts[3] != width && counts[3] != width * batch_count)) return fail(api, usage[kind]);
        work.shift = data[3];
        work.scale = data[4];
        work.mod_stride = counts[3] == width ? 0 : width;
    }
    float *y = NULL;
    s = small_output(api, context, dims[0], (size_t)ranks[0], n, &y, "RmsNorm: could not allocate the output");
    if (s || n == 0) return s;
    work.y = y;
    return pool_rows(api, context, norm_rows, &work, n / width, n) ? fail(api, "RmsNorm: failed") : NULL;
}

static OrtStatus *rms_norm_compute_v2(void *kernel, OrtKernelContext *context) { return norm_compute_v2(kernel, context, 0); }
static OrtStatus *rms_norm_rope_compute_v2(void *kernel, OrtKernelContext *context) { return norm_compute_v2(kernel, context, 1); }
static OrtStatus *ada_rms_norm_compute_v2(void *kernel, OrtKernelContext *context) { return norm_compute_v2(kernel, context, 2); }

static OrtStatus *gated_add_compute_v2(void *kernel, OrtKernelContext *context) {
    const OrtApi *api = ((SnakeKernel *)kernel)->api;
    const char *usage = "GatedAdd: needs x [B, S, H], gate [B, 1, H] or [H], y shaped as x";
    const OrtValue *in[3];
    int64_t dims[3][8];
    int ranks[3];
    size_t counts[3];
    float *data[3] = {0};
    OrtStatus *s = small_inputs(api, context, 3, in, dims, ranks, counts, data, usage);
    if (s) return s;
    if (ranks[0] != 3 || ranks[2] != 3 || memcmp(dims[0], dims[2], 3 * sizeof(int64_t)) != 0) return fail(api, usage);
    size_t width = (size_t)dims[0][2], seq = (size_t)dims[0][1], n = counts[0];
    if (counts[1] != width && counts[1] != width * (size_t)dims[0][0]) return fail(api, usage);
    float *y = NULL;
    s = small_output(api, context, dims[0], 3, n, &y, "GatedAdd: could not allocate the output");
    if (s || n == 0) return s;
    GatedAddWork work = {data[0], data[1], data[2], y, width, seq, counts[1] == width ? 0 : width};
    return pool_rows(api, context, gated_add_rows, &work, n / width, n) ? fail(api, "GatedAdd: failed") : NULL;
}

/* SwiGlu (1 input: gate and up side by side) and SiluMul (2 inputs), told apart by their input count. */
static OrtStatus *silu_mul_compute_v2(void *kernel, OrtKernelContext *context, int joined) {
    const OrtApi *api = ((SnakeKernel *)kernel)->api;
    const char *usage = joined ? "SwiGlu: needs gu [..., 2I]" : "SiluMul: needs g and u of one shape";
    const OrtValue *in[2];
    int64_t dims[2][8];
    int ranks[2];
    size_t counts[2];
    float *data[2] = {0};
    OrtStatus *s = small_inputs(api, context, joined ? 1 : 2, in, dims, ranks, counts, data, usage);
    if (s) return s;
    if (ranks[0] < 1) return fail(api, usage);
    int64_t out[8];
    memcpy(out, dims[0], sizeof out);
    size_t last = (size_t)ranks[0] - 1, width = (size_t)dims[0][last], n = counts[0];
    if (joined) {
        if (width % 2 != 0) return fail(api, usage);
        width /= 2;
        out[last] = (int64_t)width;
        n /= 2;
    } else if (ranks[1] != ranks[0] || memcmp(dims[0], dims[1], (size_t)ranks[0] * sizeof(int64_t)) != 0) {
        return fail(api, usage);
    }
    float *y = NULL;
    s = small_output(api, context, out, (size_t)ranks[0], n, &y, "SiluMul: could not allocate the output");
    if (s || n == 0) return s;
    SiluMulWork work = {data[0], joined ? data[0] + width : data[1], y, width, joined ? 2 * width : width};
    return pool_rows(api, context, silu_mul_rows, &work, n / width, n) ? fail(api, "SiluMul: failed") : NULL;
}

static OrtStatus *swiglu_compute_v2(void *kernel, OrtKernelContext *context) { return silu_mul_compute_v2(kernel, context, 1); }
static OrtStatus *silu_mul_two_compute_v2(void *kernel, OrtKernelContext *context) { return silu_mul_compute_v2(kernel, context, 0); }

/* Version-1 entries (errors dropped, as snake_compute's). */
#define V1_ENTRY(name, v2)                                                          \
    static void name(void *kernel, OrtKernelContext *context) {                       \
        if (!kernel) return;                                                          \
        OrtStatus *s = v2(kernel, context);                                           \
        if (s) ((ReleaseStatusFn)API_FN(((SnakeKernel *)kernel)->api, SLOT_ReleaseStatus))(s); \
    }
V1_ENTRY(rms_norm_compute, rms_norm_compute_v2)
V1_ENTRY(rms_norm_rope_compute, rms_norm_rope_compute_v2)
V1_ENTRY(ada_rms_norm_compute, ada_rms_norm_compute_v2)
V1_ENTRY(gated_add_compute, gated_add_compute_v2)
V1_ENTRY(swiglu_compute, swiglu_compute_v2)
V1_ENTRY(silu_mul_two_compute, silu_mul_two_compute_v2)

static const char *rms_norm_name(const OrtCustomOp *op) { (void)op; return "RmsNorm"; }
static const char *rms_norm_rope_name(const OrtCustomOp *op) { (void)op; return "RmsNormRope"; }
static const char *ada_rms_norm_name(const OrtCustomOp *op) { (void)op; return "AdaRmsNorm"; }
static const char *gated_add_name(const OrtCustomOp *op) { (void)op; return "GatedAdd"; }
static const char *swiglu_name(const OrtCustomOp *op) { (void)op; return "SwiGlu"; }
static const char *silu_mul_name(const OrtCustomOp *op) { (void)op; return "SiluMul"; }
static size_t five(const OrtCustomOp *op) { (void)op; return 5; }

/* These take no attributes: their kernel is the Snake's (the API table only). */
#define SMALL_OP(name, inputs, compute, compute_v2) \
    WINOGRAD_OP(name, inputs, snake_create, snake_create_v2, compute, compute_v2)

static const OrtCustomOp RMS_NORM = SMALL_OP(rms_norm_name, three, rms_norm_compute, rms_norm_compute_v2);
static const OrtCustomOp RMS_NORM_ROPE = SMALL_OP(rms_norm_rope_name, five, rms_norm_rope_compute, rms_norm_rope_compute_v2);
static const OrtCustomOp ADA_RMS_NORM = SMALL_OP(ada_rms_norm_name, five, ada_rms_norm_compute, ada_rms_norm_compute_v2);
static const OrtCustomOp GATED_ADD = SMALL_OP(gated_add_name, three, gated_add_compute, gated_add_compute_v2);
static const OrtCustomOp SWIGLU = SMALL_OP(swiglu_name, one, swiglu_compute, swiglu_compute_v2);
static const OrtCustomOp SILU_MUL = SMALL_OP(silu_mul_name, two, silu_mul_two_compute, silu_mul_two_compute_v2);

/* Entry point ONNX Runtime looks up after loading the library. */
__attribute__((visibility("default")))
OrtStatus *RegisterCustomOps(OrtSessionOptions *options, const OrtApiBase *base) {
    const OrtApi *api = base->GetApi(1);
    if (!api) return NULL;
    CreateStatusFn status = (CreateStatusFn)API_FN(api, SLOT_CreateStatus);
    const char *version = base->GetVersionString();
    if (!version || strcmp(version, ORT_CHECKED_VERSION) != 0)
        return status(ORT_FAIL, "aceforge_ortops was checked against ONNX Runtime " ORT_CHECKED_VERSION " only");
    OrtCustomOpDomain *domain = NULL;
    OrtStatus *s = ((CreateCustomOpDomainFn)API_FN(api, SLOT_CreateCustomOpDomain))("org.aceforge", &domain);
    if (s) return s;
    const OrtCustomOp *ops[] = {&SNAKE, &WINOGRAD_IN, &WINOGRAD_OUT, &SNAKE_WINOGRAD_IN, &WINOGRAD_OUT_SNAKE,
                                &RESIDUAL_UNIT, &RMS_NORM, &RMS_NORM_ROPE, &ADA_RMS_NORM, &GATED_ADD, &SWIGLU, &SILU_MUL};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        s = ((CustomOpDomainAddFn)API_FN(api, SLOT_CustomOpDomain_Add))(domain, ops[i]);
        if (s) return s;
    }
    /* The domain must outlive every session made with these options; it is a few bytes, so it is never released. */
    return ((AddCustomOpDomainFn)API_FN(api, SLOT_AddCustomOpDomain))(options, domain);
}
