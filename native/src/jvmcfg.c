/*
 * Which Java runtime and options AceForge starts, shared by the shim and the start probe so that both use exactly
 * the same libjvm and the same option strings.
 *
 * Contents/Resources/jvm.cfg lines: java_home=DIR (pins the runtime: no other is tried), classpath=ENTRY
 * (repeatable), option=JVM_OPTION (repeatable). Every jar of Contents/Resources/java is on the class path too.
 * Runtime search without java_home: the bundle's Contents/Resources/jre, ACEFORGE_JAVA_HOME, JAVA_HOME,
 * /usr/lib/jvm/default-java, the JDK of `java` on PATH.
 *
 * Thread contract: plain functions on caller-owned memory; any non-audio thread.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "jvmcfg.h"

static void append_cp(af_jvm_config *c, const char *entry) {
    size_t old = c->classpath ? strlen(c->classpath) : 0, add = strlen(entry);
    char *n = realloc(c->classpath, old + add + 2);
    if (!n) return;
    if (old) n[old++] = ':';
    memcpy(n + old, entry, add + 1);
    c->classpath = n;
}

void af_jvm_config_read(const char *bundleDir, af_jvm_config *c) {
    memset(c, 0, sizeof *c);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/Contents/Resources/jvm.cfg", bundleDir);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (!strncmp(line, "java_home=", 10)) snprintf(c->javaHome, sizeof c->javaHome, "%s", line + 10);
            else if (!strncmp(line, "classpath=", 10)) append_cp(c, line + 10);
            else if (!strncmp(line, "option=", 7) && c->nOptions < AF_JVM_MAX_USER_OPTIONS) c->options[c->nOptions++] = strdup(line + 7);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/Contents/Resources/java", bundleDir);
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

void af_jvm_config_free(af_jvm_config *c) {
    for (int i = 0; i < c->nOptions; i++) free(c->options[i]);
    free(c->classpath);
    free(c->classpathOption);
    memset(c, 0, sizeof *c);
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

int af_jvm_find_libjvm(const char *bundleDir, const af_jvm_config *c, char *out, size_t size) {
    char candidates[6][PATH_MAX];
    int n = 0;
    snprintf(candidates[n++], PATH_MAX, "%s/Contents/Resources/jre/lib/server/libjvm.so", bundleDir);
    if (c->javaHome[0]) {
        snprintf(candidates[n++], PATH_MAX, "%s/lib/server/libjvm.so", c->javaHome);
    } else {
        const char *envs[] = {"ACEFORGE_JAVA_HOME", "JAVA_HOME"};
        for (int i = 0; i < 2; i++) {
            const char *h = getenv(envs[i]);
            if (h && *h) snprintf(candidates[n++], PATH_MAX, "%s/lib/server/libjvm.so", h);
        }
        snprintf(candidates[n++], PATH_MAX, "/usr/lib/jvm/default-java/lib/server/libjvm.so");
        char home[PATH_MAX];
        if (java_on_path(home, sizeof home)) snprintf(candidates[n++], PATH_MAX, "%s/lib/server/libjvm.so", home);
    }
    for (int i = 0; i < n; i++)
        if (access(candidates[i], R_OK) == 0) { snprintf(out, size, "%s", candidates[i]); return 1; }
    return 0;
}

int af_jvm_options(af_jvm_config *c, const char **out) {
    int n = 0;
    free(c->classpathOption);
    c->classpathOption = NULL;
    if (c->classpath && asprintf(&c->classpathOption, "-Djava.class.path=%s", c->classpath) > 0) out[n++] = c->classpathOption;
    out[n++] = "-Xrs";                          /* never take the host's SIGINT/SIGTERM/SIGQUIT */
    out[n++] = "-Djava.awt.headless=false";
    out[n++] = "-Daceforge.plugin=true";
    for (int i = 0; i < c->nOptions; i++) out[n++] = c->options[i];
    return n;
}

/* The pending exception as its toString() (e.g. "java.lang.OutOfMemoryError: Java heap space"), then cleared. */
void af_jni_describe_exception(JNIEnv *env, char *out, size_t size) {
    snprintf(out, size, "an exception");
    jthrowable t = (*env)->ExceptionOccurred(env);
    (*env)->ExceptionClear(env);
    if (!t) return;
    jclass objectCls = (*env)->FindClass(env, "java/lang/Object");
    jmethodID toString = objectCls ? (*env)->GetMethodID(env, objectCls, "toString", "()Ljava/lang/String;") : NULL;
    jstring text = toString ? (jstring)(*env)->CallObjectMethod(env, t, toString) : NULL;
    if ((*env)->ExceptionCheck(env) || !text) { (*env)->ExceptionClear(env); return; }
    const char *chars = (*env)->GetStringUTFChars(env, text, NULL);
    if (chars) {
        snprintf(out, size, "%s", chars);
        (*env)->ReleaseStringUTFChars(env, text, chars);
    }
}
