package org.aceforge.bridge;

/**
 * What the plugin saves in the host project besides its variants (the editor's form and region). Mutable; EDT only.
 */
public final class PluginSettings {
    public String caption = "";
    public String lyrics = "";
    public boolean instrumental = true;
    public double duration = 30;
    public String variant = "turbo";
    public String modelDir = "";
    public double regionStart = -1;   // seconds on the host timeline; −1 = none
    public double regionEnd = -1;
    public long seed = -1;
}
