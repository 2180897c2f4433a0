/*
 * Starting Java inside the host: find libjvm (the bundle's runtime, then ACEFORGE_JAVA_HOME / JAVA_HOME, then the
 * system default), attach to a JVM that already exists in the process or create one on a dedicated thread with a
 * large stack, and hand Java the shim's API table. Done once; the JVM is never destroyed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <jni.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "af_internal.h"

typedef jint (*CreateVM)(JavaVM **, void **, void *);
typedef jint (*GetCreatedVMs)(JavaVM **, jsize, jsize *);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static JavaVM *vm;
static const af_java_api *javaApi;
static char error[512] = "Java was not started";

const char *af_java_error(void) { return error; }

static int file_exists(const char *p) { return access(p, R_OK) == 0; }

/* Reads Contents/Resources/jvm.cfg: java_home=, classpath= (repeatable), option= (repeatable). */
typedef struct { char javaHome[PATH_MAX]; char *classpath; char *options[32]; int nOptions; } jvm_config;

static void append_cp(jvm_config *c, const char *entry) {
    size_t old = c->classpath ? strlen(c->classpath) : 0, add = strlen(entry);
    char *n = realloc(c->classpath, old + add + 2);
    if (!n) return;
    if (old) n[old++] = ':';
    memcpy(n + old, entry, add + 1);
    c->classpath = n;
}

static void read_config(jvm_config *c) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/Contents/Resources/jvm.cfg", af_bundle_dir());
    FILE *f = fopen(path, "r");
    if (f) {
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (!strncmp(line, "java_home=", 10)) snprintf(c->javaHome, sizeof c->javaHome, "%s", line + 10);
            else if (!strncmp(line, "classpath=", 10)) append_cp(c, line + 10);
            else if (!strncmp(line, "option=", 7) && c->nOptions < 32) c->options[c->nOptions++] = strdup(line + 7);
        }
        fclose(f);
    }
    /* Every jar of Contents/Resources/java is on the class path. */
    snprintf(path, sizeof path, "%s/Contents/Resources/java", af_bundle_dir());
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 4 && !strcmp(e->d_name + n - 4, ".jar")) {
                char jar[PATH_MAX];
                snprintf(jar, sizeof jar, "%s/%s", path, e->d_name);
                append_cp(c, jar);
            }
        }
        closedir(d);
    }
}

/* The JDK that `java` on PATH belongs to (…/bin/java → …). */
static int java_on_path(char *home, size_t size) {
    const char *path = getenv("PATH");
    if (!path) return 0;
    char *copy = strdup(path), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char exe[PATH_MAX], real[PATH_MAX];
        snprintf(exe, sizeof exe, "%s/java", d);
        if (access(exe, X_OK) == 0 && realpath(exe, real)) {
            char *s = strrchr(real, '/');
            if (s) { *s = 0; s = strrchr(real, '/'); }
            if (s) { *s = 0; snprintf(home, size, "%s", real); found = 1; }
        }
    }
    free(copy);
    return found;
}

static void *open_libjvm(const jvm_config *c) {
    const char *candidates[8];
    char buf[8][PATH_MAX];
    int n = 0;
    snprintf(buf[n], PATH_MAX, "%s/Contents/Resources/jre/lib/server/libjvm.so", af_bundle_dir()); candidates[n] = buf[n]; n++;
    if (c->javaHome[0]) { snprintf(buf[n], PATH_MAX, "%s/lib/server/libjvm.so", c->javaHome); candidates[n] = buf[n]; n++; }
    const char *envs[] = {"ACEFORGE_JAVA_HOME", "JAVA_HOME"};
    for (int i = 0; i < 2; i++) {
        const char *h = getenv(envs[i]);
        if (h && *h) { snprintf(buf[n], PATH_MAX, "%s/lib/server/libjvm.so", h); candidates[n] = buf[n]; n++; }
    }
    snprintf(buf[n], PATH_MAX, "/usr/lib/jvm/default-java/lib/server/libjvm.so"); candidates[n] = buf[n]; n++;
    char home[PATH_MAX];
    if (java_on_path(home, sizeof home)) { snprintf(buf[n], PATH_MAX, "%s/lib/server/libjvm.so", home); candidates[n] = buf[n]; n++; }
    for (int i = 0; i < n; i++) {
        if (!file_exists(candidates[i])) continue;
        void *h = dlopen(candidates[i], RTLD_NOW | RTLD_GLOBAL);
        if (h) { af_log("using %s", candidates[i]); return h; }
        af_log("cannot load %s: %s", candidates[i], dlerror());
    }
    return NULL;
}

typedef struct { CreateVM create; JavaVMInitArgs args; jint result; JavaVM *vm; } create_job;

static void *create_thread(void *arg) {
    create_job *j = arg;
    JNIEnv *env;
    j->result = j->create(&j->vm, (void **)&env, &j->args);
    if (j->result == JNI_OK) (*j->vm)->DetachCurrentThread(j->vm);
    return NULL;
}

/*
 * Our bridge class: through the system class loader when we created the JVM (the class path is ours), otherwise
 * through a URLClassLoader over the bundle's class path, so a JVM started by someone else (another Java plugin, a
 * Java host) loads our classes in isolation.
 */
static jclass find_bridge(JNIEnv *env, const char *classpath) {
    jclass c = (*env)->FindClass(env, "org/aceforge/bridge/vst3/Vst3Bridge");
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
    jobject cls = loader ? (*env)->CallObjectMethod(env, loader, loadClass, (*env)->NewStringUTF(env, "org.aceforge.bridge.vst3.Vst3Bridge")) : NULL;
    if ((*env)->ExceptionCheck(env) || !cls) { (*env)->ExceptionClear(env); return NULL; }
    (*env)->NewGlobalRef(env, loader);   /* the loader lives as long as the JVM */
    return (jclass)(*env)->NewGlobalRef(env, cls);
}

static void start(void) {
    jvm_config cfg = {0};
    read_config(&cfg);
    void *lib = dlopen("libjvm.so", RTLD_NOW | RTLD_NOLOAD);
    if (!lib) lib = open_libjvm(&cfg);
    if (!lib) {
        snprintf(error, sizeof error, "no Java runtime found (looked in the bundle, ACEFORGE_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/default-java and java on PATH)");
        goto done;
    }
    GetCreatedVMs getCreated = (GetCreatedVMs)dlsym(lib, "JNI_GetCreatedJavaVMs");
    CreateVM create = (CreateVM)dlsym(lib, "JNI_CreateJavaVM");
    if (!getCreated || !create) { snprintf(error, sizeof error, "the Java runtime is broken (JNI entry points missing)"); goto done; }
    jsize count = 0;
    if (getCreated(&vm, 1, &count) != JNI_OK || count == 0) {
        vm = NULL;
        if (!cfg.classpath) { snprintf(error, sizeof error, "the plugin bundle has no Java classes (Contents/Resources/java is empty)"); goto done; }
        JavaVMOption opts[40];
        int n = 0;
        char *cp = malloc(strlen(cfg.classpath) + 32);
        sprintf(cp, "-Djava.class.path=%s", cfg.classpath);
        opts[n++].optionString = cp;
        opts[n++].optionString = "-Xrs";                          /* never take the host's SIGINT/SIGTERM */
        opts[n++].optionString = "-Djava.awt.headless=false";
        opts[n++].optionString = "-Daceforge.plugin=true";
        for (int i = 0; i < cfg.nOptions; i++) opts[n++].optionString = cfg.options[i];
        for (int i = 0; i < n; i++) opts[i].extraInfo = NULL;
        create_job job = {create, {JNI_VERSION_10, n, opts, JNI_FALSE}, JNI_ERR, NULL};
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8u << 20);
        pthread_t t;
        if (pthread_create(&t, &attr, create_thread, &job) == 0) pthread_join(t, NULL);
        pthread_attr_destroy(&attr);
        free(cp);
        if (job.result != JNI_OK) { snprintf(error, sizeof error, "the Java runtime failed to start (JNI error %d)", (int)job.result); goto done; }
        vm = job.vm;
        af_log("created the JVM");
    } else {
        af_log("attached to the JVM already running in this process");
    }
    JNIEnv *env;
    if ((*vm)->AttachCurrentThreadAsDaemon(vm, (void **)&env, NULL) != JNI_OK) { snprintf(error, sizeof error, "cannot attach to Java"); vm = NULL; goto done; }
    jclass bridge = find_bridge(env, cfg.classpath);
    if (!bridge) { snprintf(error, sizeof error, "AceForge's Java classes are missing from the plugin bundle"); goto done; }
    jmethodID boot = (*env)->GetStaticMethodID(env, bridge, "bootstrap", "(J)J");
    if (!boot) { (*env)->ExceptionClear(env); snprintf(error, sizeof error, "AceForge's Java bridge does not match this plugin binary"); goto done; }
    jlong table = (*env)->CallStaticLongMethod(env, bridge, boot, (jlong)(intptr_t)af_shim_api_table());
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        snprintf(error, sizeof error, "AceForge's Java side failed to start (see the plugin log)");
        goto done;
    }
    const af_java_api *api = (const af_java_api *)(intptr_t)table;
    if (!api || api->version != AF_BRIDGE_VERSION) { snprintf(error, sizeof error, "AceForge's Java bridge has another version"); goto done; }
    javaApi = api;
    error[0] = 0;
done:
    if (!javaApi) af_log("Java unavailable: %s", error);
    for (int i = 0; i < cfg.nOptions; i++) free(cfg.options[i]);
    free(cfg.classpath);
}

static pthread_key_t detachKey;
static pthread_once_t keyOnce = PTHREAD_ONCE_INIT;
static void detach_at_exit(void *unused) { (void)unused; if (vm) (*vm)->DetachCurrentThread(vm); }
static void make_key(void) { pthread_key_create(&detachKey, detach_at_exit); }

/* Attaches the calling host thread once (as a daemon); it is detached when the thread ends. */
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
