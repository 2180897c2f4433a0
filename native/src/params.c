/*
 * The plugin's parameters: what the host lists (names, units, defaults, flags) and how normalized values map to
 * plain ones. One table, read by the controller, the state reader and the real-time path.
 * Thread contract: everything here is pure (no state) and may be called from any thread, the audio thread included.
 */
#include <math.h>
#include "af_internal.h"

static const af_param_info PARAMS[AF_PARAM_COUNT] = {
    [AF_PARAM_MIX] = {AF_PARAM_MIX, "Dry/Wet", "Mix", "%", 0, 1.0, kCanAutomate},
    [AF_PARAM_GAIN] = {AF_PARAM_GAIN, "Output Gain", "Gain", "dB", 0, 60.0 / 72.0, kCanAutomate},
    /* Hosts show a parameter flagged kIsBypass as their own bypass switch (and the validator asks for one). */
    [AF_PARAM_BYPASS] = {AF_PARAM_BYPASS, "Bypass", "Bypass", "", 1, 0.0, kCanAutomate | kIsBypass},
};

const af_param_info *af_param_info_of(int id) {
    return id >= 0 && id < AF_PARAM_COUNT ? &PARAMS[id] : NULL;
}

double af_param_default(int id) {
    return id >= 0 && id < AF_PARAM_COUNT ? PARAMS[id].defaultNormalized : 0.0;
}

double af_gain_db(double normalized) { return -60.0 + 72.0 * normalized; }

double af_param_to_plain(int id, double v) {
    switch (id) {
        case AF_PARAM_MIX: return v * 100.0;
        case AF_PARAM_GAIN: return af_gain_db(v);
        case AF_PARAM_BYPASS: return v >= 0.5 ? 1.0 : 0.0;
        default: return v;
    }
}

double af_param_to_normalized(int id, double plain) {
    double v;
    switch (id) {
        case AF_PARAM_MIX: v = plain / 100.0; break;
        case AF_PARAM_GAIN: v = (plain + 60.0) / 72.0; break;
        case AF_PARAM_BYPASS: v = plain >= 0.5 ? 1.0 : 0.0; break;
        default: v = plain;
    }
    if (!isfinite(v)) return af_param_default(id);
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

int af_param_valid(int id, double normalized) {
    return id >= 0 && id < AF_PARAM_COUNT && isfinite(normalized) && normalized >= 0.0 && normalized <= 1.0;
}

double af_param_sanitize(int id, double normalized) {
    if (!af_param_valid(id, normalized)) return af_param_default(id);
    if (PARAMS[id].stepCount == 1) return normalized >= 0.5 ? 1.0 : 0.0;
    return normalized;
}
