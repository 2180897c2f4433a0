/*
 * Starting Java inside the host, so that a failure can never end the host:
 * 1. A JVM already running in the process (another instance's copy of this module, another Java plugin, a Java
 *    host) is reused: attach, load our classes (our own class loader if the JVM's class path lacks them).
 * 2. Otherwise the exact runtime and options (jvmcfg.c) are first tried in a child process, aceforge-jvm-probe.
 *    JNI_CreateJavaVM ends the calling process with exit() on several failures (bad -javaagent, tiny -Xmx, a heap
 *    that does not fit the address-space limit); in the child that is harmless, and its message says why.
 * 3. Only then is the JVM created here, on our own 8 MB-stack thread, with the JVM's abort/exit hooks set: should
 *    creation still fail in a way that calls them (the host's address space is fuller than the probe's), that thread
 *    is parked for ever instead of returning into exit(), and the host carries on without Java.
 * 4. The bridge class receives this copy's shim table and returns its Java table.
 * Done once per loaded copy of the module; the JVM is never destroyed (it cannot be re-created, and others may
 * share it). Everything the JVM prints goes to the plugin log, never to the host's terminal.
 *
 * Thread contract: af_java() may block (first call: up to the probe's time-out plus the JVM start) and is called
 * from host non-audio threads and the shim's own start threads, never the audio thread. af_java_if_started() never
 * blocks. af_java_attach_thread() attaches the calling (non-audio) thread once, as a daemon.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "af_internal.h"
#include "jvmcfg.h"

extern char **environ;

typedef jint (*CreateVM)(JavaVM **, void **, void *);
typedef jint (*GetCreatedVMs)(JavaVM **, jsize, jsize *);

#define PROBE_TIMEOUT_SECONDS 60

static pthread_once_t once = PTHREAD_ONCE_INIT;
static JavaVM *vm;
static const af_java_api *javaApi;
static _Atomic int ready;
static char error[640] = "Java was not started";

const char *af_java_error(void) { return error; }

/* ---------------- JVM output: into the log, the last lines kept for the error message ---------------- */
static pthread_mutex_t outputLock = PTHREAD_MUTEX_INITIALIZER;
static char jvmOutput[1024];

static void keep_output(const char *text) {
    size_t have = strlen(jvmOutput), add = strlen(text);
    if (add >= sizeof jvmOutput) { text += add - (sizeof jvmOutput - 1); add = sizeof jvmOutput - 1; }
    if (have + add >= sizeof jvmOutput) {
        size_t drop = have + add - (sizeof jvmOutput - 1);
        memmove(jvmOutput, jvmOutput + drop, have - drop + 1);
        have -= drop;
    }
    memcpy(jvmOutput + have, text, add + 1);
}

static jint JNICALL vfprintf_hook(FILE *fp, const char *format, va_list args) {
    (void)fp;
    char line[512];
    int n = vsnprintf(line, sizeof line, format, args);
    if (pthread_mutex_trylock(&outputLock) == 0) {
        keep_output(line);
        pthread_mutex_unlock(&outputLock);
    }
    line[strcspn(line, "\n")] = 0;
    if (line[0]) af_log("jvm: %s", line);
    return n;
}

/* The meaningful lines of a JVM's output joined into one clause (without the generic and the echo lines). */
static void summarize(const char *output, char *out, size_t size) {
    out[0] = 0;
    char *copy = strdup(output), *save = NULL;
    if (!copy) return;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        while (*l == ' ' || *l == '\t') l++;
        if (!*l || strstr(l, "Error occurred during initialization of VM") || !strncmp(l, "Picked up ", 10)) continue;
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", n ? "; " : "", l);
    }
    free(copy);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '.' || out[n - 1] == ' ')) out[--n] = 0;
}

/* Names the environment variables that feed options to every JVM, since they are a common cause. */
static void env_note(char *out, size_t size) {
    out[0] = 0;
    const char *vars[] = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            size_t n = strlen(out);
            snprintf(out + n, size - n, "%s%s=%s", n ? ", " : " (", vars[i], v);
        }
    }
    if (out[0]) { size_t n = strlen(out); snprintf(out + n, size - n, ")"); }
}

/* ---------------- the probe ---------------- */

/* 1 = the probe started this runtime with these options; 0 = it did not (why[] says why); -1 = no probe. */
static int run_probe(const char *libjvm, const char **opts, int n, char *why, size_t whySize) {
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/Contents/Resources/aceforge-jvm-probe", af_bundle_dir());
    if (access(probe, X_OK) != 0) return -1;
    const char *argv[AF_JVM_MAX_OPTIONS + 3];
    int a = 0;
    argv[a++] = probe;
    argv[a++] = libjvm;
    for (int i = 0; i < n; i++) argv[a++] = opts[i];
    argv[a] = NULL;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) { snprintf(why, whySize, "cannot create a pipe (%s)", strerror(errno)); return 0; }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    pid_t pid;
    int rc = posix_spawn(&pid, probe, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) { close(fds[0]); snprintf(why, whySize, "cannot run the start check (%s)", strerror(rc)); return 0; }
    char output[4096] = "";
    size_t have = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int timedOut = 0;
    for (;;) {
        struct pollfd p = {fds[0], POLLIN, 0};
        int r = poll(&p, 1, 200);
        if (r > 0) {
            char buf[1024];
            ssize_t got = read(fds[0], buf, sizeof buf);
            if (got <= 0) break;
            if (have + (size_t)got >= sizeof output) {   /* keep the tail: the JVM says why last */
                size_t drop = have + (size_t)got - (sizeof output - 1);
                if (drop > have) drop = have;
                memmove(output, output + drop, have - drop);
                have -= drop;
            }
            size_t take = (size_t)got < sizeof output - 1 - have ? (size_t)got : sizeof output - 1 - have;
            memcpy(output + have, buf, take);
            have += take;
            output[have] = 0;
        } else if (r < 0 && errno != EINTR) {
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > PROBE_TIMEOUT_SECONDS) { timedOut = 1; kill(pid, SIGKILL); break; }
    }
    close(fds[0]);
    int status = 0;
    pid_t w;
    do w = waitpid(pid, &status, 0); while (w < 0 && errno == EINTR);
    clock_gettime(CLOCK_MONOTONIC, &t);
    af_log("start check (%.0f ms): %s", (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6, output[0] ? output : "(no output)");
    if (strstr(output, AF_PROBE_OK) && !timedOut) return 1;
    char said[400];
    summarize(output, said, sizeof said);
    if (timedOut) snprintf(why, whySize, "it did not finish starting within %d s", PROBE_TIMEOUT_SECONDS);
    else if (said[0]) snprintf(why, whySize, "%s", said);
    else if (w == pid && WIFSIGNALED(status)) snprintf(why, whySize, "it crashed (signal %d)", WTERMSIG(status));
    else if (w == pid && WIFEXITED(status)) snprintf(why, whySize, "it exited with code %d", WEXITSTATUS(status));
    else snprintf(why, whySize, "it ended without saying why");
    return 0;
}

/*
 * A start check that passed is remembered (a file in the state folder named by a hash of everything it depended on:
 * the libjvm file, every option, the JVM's environment variables, the address-space limit), so later sessions
 * start Java half a second sooner. Any change in those makes a new check; a failed start in the host forgets it.
 */
static void probe_memo_path(const char *libjvm, const char **opts, int n, char *path, size_t size) {
    uint64_t h = 1469598103934665603ull;
#define MIX(p, len) do { const unsigned char *b_ = (const unsigned char *)(p); for (size_t i_ = 0; i_ < (len); i_++) { h ^= b_[i_]; h *= 1099511628211ull; } h ^= 0xff; h *= 1099511628211ull; } while (0)
    MIX(libjvm, strlen(libjvm));
    struct stat st;
    if (stat(libjvm, &st) == 0) { MIX(&st.st_mtime, sizeof st.st_mtime); MIX(&st.st_size, sizeof st.st_size); MIX(&st.st_ino, sizeof st.st_ino); }
    for (int i = 0; i < n; i++) MIX(opts[i], strlen(opts[i]));
    const char *vars[] = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"};
    for (int i = 0; i < 3; i++) { const char *v = getenv(vars[i]); MIX(v ? v : "", v ? strlen(v) : 0); }
    struct rlimit as;
    if (getrlimit(RLIMIT_AS, &as) == 0) MIX(&as.rlim_cur, sizeof as.rlim_cur);
#undef MIX
    char name[64];
    snprintf(name, sizeof name, "jvm-start-ok-%016llx", (unsigned long long)h);
    af_state_path(name, path, size);
}

/* ---------------- creating the JVM in the host ---------------- */

static struct {
    pthread_mutex_t m;
    pthread_cond_t c;
    int done, aborted, creating;
    pthread_t creator;
    CreateVM create;
    JavaVMInitArgs args;
    jint result;
    JavaVM *vm;
} cr = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, NULL, {0}, JNI_ERR, NULL};

/* Called by the JVM just before it would end the process. During creation, on our thread: never return. */
static void park_if_creating(void) {
    if (!cr.creating || !pthread_equal(pthread_self(), cr.creator)) return;
    pthread_mutex_lock(&cr.m);
    cr.aborted = 1;
    cr.done = 1;
    pthread_cond_broadcast(&cr.c);
    pthread_mutex_unlock(&cr.m);
    for (;;) pause();
}
static void JNICALL abort_hook(void) { park_if_creating(); }
static void JNICALL exit_hook(jint code) { (void)code; park_if_creating(); }

static void *create_thread(void *unused) {
    (void)unused;
    JNIEnv *env;
    cr.creator = pthread_self();
    cr.creating = 1;
    jint r = cr.create(&cr.vm, (void **)&env, &cr.args);
    cr.creating = 0;
    if (r == JNI_OK) (*cr.vm)->DetachCurrentThread(cr.vm);
    pthread_mutex_lock(&cr.m);
    cr.result = r;
    cr.done = 1;
    pthread_cond_broadcast(&cr.c);
    pthread_mutex_unlock(&cr.m);
    return NULL;
}

/* Creates the JVM on a detached big-stack thread; 0 and *out on success, otherwise why[] is filled. */
static int create_vm(void *lib, const char **optStrings, int n, JavaVM **out, char *why, size_t whySize) {
    CreateVM create = (CreateVM)dlsym(lib, "JNI_CreateJavaVM");
    if (!create) { snprintf(why, whySize, "the Java runtime is broken (JNI_CreateJavaVM missing)"); return -1; }
    static JavaVMOption opts[AF_JVM_MAX_OPTIONS + 3];
    int k = 0;
    for (int i = 0; i < n; i++) opts[k++] = (JavaVMOption){(char *)optStrings[i], NULL};
    opts[k++] = (JavaVMOption){"vfprintf", (void *)vfprintf_hook};
    opts[k++] = (JavaVMOption){"abort", (void *)abort_hook};
    opts[k++] = (JavaVMOption){"exit", (void *)exit_hook};
    cr.create = create;
    cr.args = (JavaVMInitArgs){JNI_VERSION_10, k, opts, JNI_FALSE};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8u << 20);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int rc = pthread_create(&t, &attr, create_thread, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) { snprintf(why, whySize, "cannot create its start thread"); return -1; }
    pthread_mutex_lock(&cr.m);
    while (!cr.done) pthread_cond_wait(&cr.c, &cr.m);
    pthread_mutex_unlock(&cr.m);
    if (cr.aborted || cr.result != JNI_OK) {
        char said[400];
        pthread_mutex_lock(&outputLock);
        summarize(jvmOutput, said, sizeof said);
        pthread_mutex_unlock(&outputLock);
        if (said[0]) snprintf(why, whySize, "%s", said);
        else if (cr.aborted) snprintf(why, whySize, "it stopped while starting");
        else snprintf(why, whySize, "it refused its options (JNI error %d)", (int)cr.result);
        return -1;
    }
    *out = cr.vm;
    return 0;
}

/*
 * JNI_CreateJavaVM answers JNI_EEXIST at once when another creation is under way in the process (another copy of
 * this module, another Java plugin starting at the same moment); that JVM is then used once it is up.
 */
static JavaVM *wait_for_other_creator(void *lib) {
    if (cr.result != JNI_EEXIST) return NULL;
    GetCreatedVMs getCreated = (GetCreatedVMs)dlsym(lib, "JNI_GetCreatedJavaVMs");
    for (int i = 0; getCreated && i < 6000; i++) {   /* 60 s */
        JavaVM *other;
        jsize count = 0;
        if (getCreated(&other, 1, &count) == JNI_OK && count > 0) { af_log("another JVM start finished first; using it"); return other; }
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/*
 * Our bridge class: through the system class loader when its class path has it, otherwise through a URLClassLoader
 * over the bundle's class path, so a JVM started by someone else (another Java plugin, a Java host) loads our
 * classes in isolation.
 */
static jclass find_bridge(JNIEnv *env, const char *classpath) {
    jclass c = (*env)->FindClass(env, AF_BRIDGE_CLASS);
    if (c) return c;
    (*env)->ExceptionClear(env);
    if (!classpath) return NULL;
    jclass fileCls = (*env)->FindClass(env, "java/io/File");
    jclass uriCls = (*env)->FindClass(env, "java/net/URI");
    jclass urlCls = (*env)->FindClass(env, "java/net/URL");
    jclass loaderCls = (*env)->FindClass(env, "java/net/URLClassLoader");
    if (!fileCls || !uriCls || !urlCls || !loaderCls) { (*env)->ExceptionClear(env); return NULL; }
    jmethodID fileInit = (*env)->GetMethodID(env, fileCls, "<init>", "(Ljava/lang/String;)V");
    jmethodID toUri = (*env)->GetMethodID(env, fileCls, "toURI", "()Ljava/net/URI;");
    jmethodID toUrl = (*env)->GetMethodID(env, uriCls, "toURL", "()Ljava/net/URL;");
    jmethodID loaderInit = (*env)->GetMethodID(env, loaderCls, "<init>", "([Ljava/net/URL;)V");
    jmethodID loadClass = (*env)->GetMethodID(env, loaderCls, "loadClass", "(Ljava/lang/String;)Ljava/lang/Class;");
    int n = 1;
    for (const char *p = classpath; *p; p++) if (*p == ':') n++;
    jobjectArray urls = (*env)->NewObjectArray(env, n, urlCls, NULL);
    char *copy = strdup(classpath), *save = NULL;
    int i = 0;
    for (char *e = strtok_r(copy, ":", &save); e && i < n; e = strtok_r(NULL, ":", &save), i++) {
        jobject f = (*env)->NewObject(env, fileCls, fileInit, (*env)->NewStringUTF(env, e));
        jobject u = f ? (*env)->CallObjectMethod(env, f, toUri) : NULL;
        jobject url = u ? (*env)->CallObjectMethod(env, u, toUrl) : NULL;
        if ((*env)->ExceptionCheck(env)) { (*env)->ExceptionClear(env); continue; }
        (*env)->SetObjectArrayElement(env, urls, i, url);
    }
    free(copy);
    jobject loader = (*env)->NewObject(env, loaderCls, loaderInit, urls);
    jstring name = (*env)->NewStringUTF(env, "org.aceforge.bridge.vst3.Vst3Bridge");
    jobject cls = loader ? (*env)->CallObjectMethod(env, loader, loadClass, name) : NULL;
    if ((*env)->ExceptionCheck(env) || !cls) { (*env)->ExceptionClear(env); return NULL; }
    (*env)->NewGlobalRef(env, loader);   /* the loader lives as long as the JVM */
    return (jclass)(*env)->NewGlobalRef(env, cls);
}

/*
 * Every copy of this module in the process starts Java under one lock: JNI_CreateJavaVM must not be called once a
 * JVM exists or while one is being created (HotSpot 17 answers JNI_EEXIST but also marks its JVM as "being created"
 * for good, so JNI_GetCreatedJavaVMs stops finding it). Copies share no memory, so the lock is an open-file-description
 * lock on one byte (this process's id) of a file in the state folder: it excludes the copies of this process only.
 */
static int start_lock(void) {
    char path[PATH_MAX];
    af_state_path("jvm-start.lock", path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = getpid(), .l_len = 1};
    while (fcntl(fd, F_OFD_SETLKW, &l) != 0)
        if (errno != EINTR) { close(fd); return -1; }
    return fd;
}
static void start_unlock(int fd) { if (fd >= 0) close(fd); }   /* closing the description releases the lock */

/* libjvm loaded but no JVM yet: another component of the process is creating it; use it once it is up. */
static JavaVM *wait_for_created(GetCreatedVMs getCreated) {
    for (int i = 0; i < 6000; i++) {   /* 60 s */
        JavaVM *other;
        jsize count = 0;
        if (getCreated(&other, 1, &count) == JNI_OK && count > 0) return other;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void start_locked(void);
static void start(void) {
    int lock = start_lock();
    if (lock < 0) af_log("cannot take the Java start lock (%s); starting without it", strerror(errno));
    start_locked();
    start_unlock(lock);
}

static void start_locked(void) {
    af_jvm_config cfg;
    af_jvm_config_read(af_bundle_dir(), &cfg);
    char why[480] = "";
    char note[200];
    env_note(note, sizeof note);
    void *lib = dlopen("libjvm.so", RTLD_NOW | RTLD_NOLOAD);
    GetCreatedVMs getCreated = lib ? (GetCreatedVMs)dlsym(lib, "JNI_GetCreatedJavaVMs") : NULL;
    jsize count = 0;
    if (getCreated && (getCreated(&vm, 1, &count) != JNI_OK || count == 0)) {
        /* libjvm is loaded and no JVM is up: someone else is starting one; never race them with a second start. */
        af_log("a Java runtime is loaded in this process but not started yet; waiting for it");
        vm = wait_for_created(getCreated);
        if (!vm) { snprintf(error, sizeof error, "another Java in this process did not finish starting within 60 s"); goto done; }
        count = 1;
    }
    if (!getCreated || count == 0) {
        vm = NULL;
        char libjvm[PATH_MAX];
        if (!af_jvm_find_libjvm(af_bundle_dir(), &cfg, libjvm, sizeof libjvm)) {
            if (cfg.javaHome[0]) snprintf(error, sizeof error, "no Java runtime at %s (java_home in the plugin's jvm.cfg)", cfg.javaHome);
            else snprintf(error, sizeof error, "no Java runtime found (looked in the bundle, ACEFORGE_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/default-java and java on PATH)");
            goto done;
        }
        if (!cfg.classpath) { snprintf(error, sizeof error, "the plugin bundle has no Java classes (Contents/Resources/java is empty)"); goto done; }
        const char *opts[AF_JVM_MAX_OPTIONS];
        int n = af_jvm_options(&cfg, opts);
        char memo[PATH_MAX];
        probe_memo_path(libjvm, opts, n, memo, sizeof memo);
        int probed = access(memo, F_OK) == 0 ? 2 : run_probe(libjvm, opts, n, why, sizeof why);
        if (probed == 2) af_log("start check skipped: this runtime started with these options before");
        if (probed == 0) { snprintf(error, sizeof error, "Java could not start with %s: %s%s", libjvm, why, note); goto done; }
        if (probed < 0) af_log("the start check (aceforge-jvm-probe) is missing from the bundle; starting Java without it");
        lib = dlopen(libjvm, RTLD_NOW | RTLD_GLOBAL);
        if (!lib) { snprintf(error, sizeof error, "cannot load %s: %s", libjvm, dlerror()); goto done; }
        if (create_vm(lib, opts, n, &vm, why, sizeof why) == 0) {
            af_log("created the JVM (%s)", libjvm);
            if (probed == 1) { int fd = open(memo, O_WRONLY | O_CREAT | O_CLOEXEC, 0644); if (fd >= 0) close(fd); }
        } else {
            unlink(memo);   /* a start that failed here forgets the check that passed */
            if (!(vm = wait_for_other_creator(lib))) {
                snprintf(error, sizeof error, "Java could not start with %s: %s%s", libjvm, why, note);
                goto done;
            }
        }
    } else {
        af_log("attached to the JVM already running in this process");
    }
    JNIEnv *env;
    if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, NULL) != JNI_OK) { snprintf(error, sizeof error, "cannot attach to Java"); vm = NULL; goto done; }
    jclass bridge = find_bridge(env, cfg.classpath);
    if (!bridge) { snprintf(error, sizeof error, "AceForge's Java classes are missing from the plugin bundle"); goto done; }
    jmethodID boot = (*env)->GetStaticMethodID(env, bridge, "bootstrap", "(J)J");
    if (!boot) { (*env)->ExceptionClear(env); snprintf(error, sizeof error, "AceForge's Java bridge does not match this plugin binary"); goto done; }
    af_module_pin();   /* Java is about to keep addresses inside this copy of the module */
    jlong table = (*env)->CallStaticLongMethod(env, bridge, boot, (jlong)(intptr_t)af_shim_api_table());
    if ((*env)->ExceptionCheck(env)) {
        char what[300];
        af_jni_describe_exception(env, what, sizeof what);
        snprintf(error, sizeof error, "AceForge's Java side failed to start: %s%s", what, note);
        goto done;
    }
    const af_java_api *api = (const af_java_api *)(intptr_t)table;
    if (!api || api->version != AF_BRIDGE_VERSION) { snprintf(error, sizeof error, "AceForge's Java bridge has another version"); goto done; }
    javaApi = api;
    error[0] = 0;
    atomic_store(&ready, 1);
done:
    if (!javaApi) af_log("Java unavailable: %s", error);
    af_jvm_config_free(&cfg);
}

static pthread_key_t detachKey;
static pthread_once_t keyOnce = PTHREAD_ONCE_INIT;
static void detach_at_exit(void *unused) { (void)unused; if (vm) (*vm)->DetachCurrentThread(vm); }
static void make_key(void) { pthread_key_create(&detachKey, detach_at_exit); }

void af_java_attach_thread(void) {
    if (!vm) return;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) == JNI_OK) return;
    if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, NULL) == JNI_OK) {
        pthread_once(&keyOnce, make_key);
        pthread_setspecific(detachKey, (void *)1);
    }
}

const af_java_api *af_java(void) {
    if (getenv("ACEFORGE_NO_JAVA")) { snprintf(error, sizeof error, "Java is disabled (ACEFORGE_NO_JAVA)"); return NULL; }
    pthread_once(&once, start);
    return javaApi;
}

const af_java_api *af_java_if_started(void) { return atomic_load(&ready) ? javaApi : NULL; }
