/**
 * The format-neutral plugin core (parameters, state, capture and playback of regions, transport) and its bindings to
 * the native VST3 shim through JNA. Built under the VST3 plugin issue.
 */
package org.aceforge.bridge;
