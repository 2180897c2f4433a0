package org.aceforge.engine;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.model.ModelPack;

/** The demo pack every test uses, generated once per test run into the test cache. */
public final class DemoPackFixture {
    private DemoPackFixture() {}

    public static ModelPack pack() {
        try {
            return ModelLocator.ensureDemoPack();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
