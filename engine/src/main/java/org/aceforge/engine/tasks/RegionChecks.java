package org.aceforge.engine.tasks;

import org.aceforge.engine.request.BadRequestException;
import org.aceforge.engine.request.RequestField;
import org.aceforge.engine.timeline.Region;
import org.aceforge.engine.timeline.Timeline;

import java.util.List;

/** What can be checked of regions before the source is decoded (the 600 s total is checked by the timeline). */
final class RegionChecks {
    private RegionChecks() {}

    static List<Region> check(List<Region> regions) {
        for (Region r : regions) {
            double s = r.start(), e = r.end();
            if (Double.isNaN(s) || Double.isNaN(e) || Double.isInfinite(s) || Double.isInfinite(e))
                throw new BadRequestException(RequestField.REGION, BadRequestException.number(s) + ":" + BadRequestException.number(e) + " is not a number");
            if (!r.toSourceEnd() && s >= e) throw new BadRequestException(RequestField.REGION, "start " + BadRequestException.number(s) + " must be before its end " + BadRequestException.number(e));
            if (s < -Timeline.MAX_SECONDS) throw new BadRequestException(RequestField.REGION, "start " + BadRequestException.number(s) + " extends the audio by more than 600 s");
            if (e > 2 * Timeline.MAX_SECONDS) throw new BadRequestException(RequestField.REGION, "end " + BadRequestException.number(e) + " is beyond what can be rendered (600 s in all)");
            if (e < -1) throw new BadRequestException(RequestField.REGION, "end " + BadRequestException.number(e) + " is invalid: use seconds, or -1 for the end of the file");
        }
        return List.copyOf(regions);
    }

    static void checkStrength(double v, RequestField field) {
        if (!(v >= 0 && v <= 1)) throw new BadRequestException(field, v + " is out of range: use 0 to 1");
    }
}
