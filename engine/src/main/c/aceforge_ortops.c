/*
 * AceForge's ONNX Runtime custom operators (domain "org.aceforge"), loaded with
 * SessionOptions.registerCustomOpLibrary on CPU sessions.
 *
 * Snake(x [B, C, T], alpha [C], inv_beta [C]) -> y = x + inv_beta * sin(alpha * x)^2, in one pass.
 * Why by hand: ONNX Runtime's Sin runs on one thread with a scalar sine (measured ~115 ms for 61 M floats on the
 * 2-core CI machine, 8x a Tanh), and the snake is five separate passes (Mul, Sin, Mul, Mul, Add) over tensors of up to
 * 245 MB. In the VAE decoder that was 3.3 s of a 10 s decode (docs/benchmarks.md). No library offers a fused snake.
 *
 * The ONNX Runtime C API is reached through its function table by slot number; the slots were taken from the public
 * header and are only trusted for the version this file was checked against (ORT_CHECKED_VERSION). Any other version
 * makes registration fail with a message, and the engine falls back to the plain ONNX snake.
 */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    SLOT_KernelContext_GetInput = 90,
    SLOT_KernelContext_GetOutput = 91,
    SLOT_ReleaseStatus = 93,
    SLOT_ReleaseTensorTypeAndShapeInfo = 99,
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
typedef void (*ReleaseStatusFn)(OrtStatus *status);
typedef void (*ReleaseShapeInfoFn)(OrtShapeInfo *info);

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

/* One row of T samples of one channel. Cloned per ISA so AVX-512 and AVX2 machines get wide vectors. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static void snake_row(const float *restrict x, float *restrict y, size_t n, float alpha, float inv_beta) {
    for (size_t t = 0; t < n; t++) {
        float v = x[t];
        float z = alpha * v;
        y[t] = v + inv_beta * (float)sin_squared((double)z);
    }
}

typedef struct {
    const float *x, *alpha, *inv_beta;
    float *y;
    size_t channels, length, first_row, end_row;
} SnakeWork;

static void *snake_rows(void *arg) {
    SnakeWork *w = (SnakeWork *)arg;
    for (size_t row = w->first_row; row < w->end_row; row++) {
        size_t c = row % w->channels;
        snake_row(w->x + row * w->length, w->y + row * w->length, w->length, w->alpha[c], w->inv_beta[c]);
    }
    return NULL;
}

/* Rows split over up to AF_ORTOPS_THREADS (default: the online cores, at most 8) threads for large tensors. */
static void snake_all(const float *x, const float *alpha, const float *inv_beta, float *y, size_t rows, size_t channels,
                      size_t length) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *env = getenv("AF_ORTOPS_THREADS");
    if (env && *env) cores = atol(env);
    size_t threads = cores < 1 ? 1 : cores > 8 ? 8 : (size_t)cores;
    if (rows * length < ((size_t)1 << 20) || rows < threads) threads = 1;
    SnakeWork work[8];
    pthread_t ids[8];
    int started[8] = {0};
    for (size_t i = 0; i < threads; i++) {
        work[i] = (SnakeWork){x, alpha, inv_beta, y, channels, length, rows * i / threads, rows * (i + 1) / threads};
        if (i > 0) started[i] = pthread_create(&ids[i], NULL, snake_rows, &work[i]) == 0;
    }
    snake_rows(&work[0]);
    for (size_t i = 1; i < threads; i++) {
        if (started[i]) pthread_join(ids[i], NULL);
        else snake_rows(&work[i]); /* a thread that could not start: do its rows here */
    }
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
    snake_all(x, alpha, inv_beta, y, (size_t)dims[0] * channels, channels, (size_t)dims[2]);
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

static void snake_destroy(void *kernel) { free(kernel); }
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
    s = ((CustomOpDomainAddFn)API_FN(api, SLOT_CustomOpDomain_Add))(domain, &SNAKE);
    if (s) return s;
    /* The domain must outlive every session made with these options; it is a few bytes, so it is never released. */
    return ((AddCustomOpDomainFn)API_FN(api, SLOT_AddCustomOpDomain))(options, domain);
}
