package org.aceforge.ui.studio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Point;
import java.awt.Robot;
import java.awt.event.InputEvent;
import java.nio.file.Path;

/**
 * What the robot-driven studio tests share: each test its own window ({@link OwnStudio}: service, render folder,
 * player recorder), opened before and closed after it, and the mouse and keyboard through java.awt.Robot.
 */
abstract class StudioUiTest {
    static final int RATE = 48_000;
    @TempDir
    Path tmp;
    OwnStudio studio;
    StudioWindow w;
    OwnStudio.Recorder out;
    Robot robot;

    /** Whether the window starts with the 12 s test tone as its source. */
    boolean withSource() {
        return true;
    }

    /** A test class's own setup of the open window (a mode, a tempo, regions). */
    void prepare() throws Exception {
    }

    @BeforeEach
    final void openStudio() throws Exception {
        studio = withSource() ? OwnStudio.withSource(tmp) : OwnStudio.open(tmp);
        w = studio.w;
        out = studio.out;
        prepare();
        robot = new Robot();
        robot.setAutoDelay(15);
        robot.waitForIdle();
    }

    @AfterEach
    final void closeStudio() throws Exception {
        if (studio != null) studio.close();
    }

    /** A left click at a screen point. */
    void click(Point p) {
        robot.mouseMove(p.x, p.y);
        robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
        robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
    }

    /** Keys pressed together, released in reverse (a chord such as Ctrl+Z, or one key). */
    void press(int... keys) {
        for (int k : keys) robot.keyPress(k);
        for (int i = keys.length - 1; i >= 0; i--) robot.keyRelease(keys[i]);
    }

    /** A left-button drag from a to b in five moves, with {@code held} keys down throughout (e.g. Alt). */
    void drag(Point a, Point b, int... held) {
        robot.mouseMove(a.x, a.y);
        for (int k : held) robot.keyPress(k);
        robot.mousePress(InputEvent.BUTTON1_DOWN_MASK);
        for (int i = 1; i <= 5; i++) robot.mouseMove(a.x + (b.x - a.x) * i / 5, a.y);
        robot.mouseRelease(InputEvent.BUTTON1_DOWN_MASK);
        for (int i = held.length - 1; i >= 0; i--) robot.keyRelease(held[i]);
        robot.waitForIdle();
    }
}
