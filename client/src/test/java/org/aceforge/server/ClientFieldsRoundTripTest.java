package org.aceforge.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.aceforge.client.ApiFields;
import org.aceforge.engine.DemoPackFixture;
import org.aceforge.engine.jobs.LmRequest;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.lm.LmOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The client's fields and the server's mapping are inverses: a studio request sent as fields and read back by the
 * server's {@link TaskMapper} gives the same fields again, for every task and option the studio sets. (In the
 * server's package to reach its mapper; it lives with the client, which depends on the server only for tests.)
 */
class ClientFieldsRoundTripTest {
    @Test
    void everyStudioRequestSurvivesTheTrip() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "round-trip").toAbsolutePath());
        Path src = Files.writeString(dir.resolve("src.wav"), "x"), ref = Files.writeString(dir.resolve("ref.wav"), "y");
        Path out = dir.resolve("out.flac");
        LmOptions o = new LmOptions(0.7, 2.5, 40, 0.8, "no drums", true, false, true);
        List<RenderRequest.Builder> cases = List.of(
                RenderRequest.builder().caption("lofi").lyrics("[verse]\nla la").language("en").bpm(90).key("F# minor")
                        .timeSignature("3").duration(42).batch(3).seeds(List.of(1L, -1L)).steps(20).guidance(7.0).shift(3.0)
                        .method("sde").adg(true).cfgInterval(0.1, 0.9).variant("base").int8(true).reference(ref).score(true).lrc(true)
                        .lm(new LmRequest(true, "1.7B", o, null, 8, false, true)),
                RenderRequest.builder().caption("").lm(new LmRequest(true, null, LmOptions.defaults(), "a sad song about rain", 1, false, false)),
                RenderRequest.builder().caption("jazz").lm(new LmRequest(false, null, o, null, 1, true, false)).instrumental(true),
                RenderRequest.builder().caption("given codes").codes(new long[60]).codeStrength(0.5).timesteps(new double[]{1, 0.5, 0.25}),
                RenderRequest.builder().task("repaint").source(src).caption("synth").range(1, 3).range(6, -1).repaintMode("balanced")
                        .strength(0.4).regionOnly(true).handles(2),
                RenderRequest.builder().task("cover").source(src).caption("metal").strength(0.6).noiseStrength(0.2),
                RenderRequest.builder().task("extract").source(src).track("vocals").variant("base"),
                RenderRequest.builder().task("lego").source(src).caption("bass").track("bass").range(2, 8).variant("base"),
                RenderRequest.builder().task("complete").source(src).caption("full band").tracks(List.of("drums", "bass")).variant("base"),
                RenderRequest.builder().caption("adapter").lora(dir, 0.75));
        TaskMapper mapper = new TaskMapper(new ServerSettings("127.0.0.1", 0, null, 1, DemoPackFixture.pack().root(), dir, 10, 10, 8, false));
        for (RenderRequest.Builder b : cases) {
            RenderRequest r = b.output(out).build();
            ObjectNode sent = ApiFields.of(r, r.source() == null ? null : "a".repeat(64), r.music().reference() == null ? null : "b".repeat(64));
            RenderRequest back = mapper.map(Params.ofJson(sent.deepCopy()), r.source(), r.music().reference(), out);
            ObjectNode again = ApiFields.of(back, r.source() == null ? null : "a".repeat(64), r.music().reference() == null ? null : "b".repeat(64));
            assertEquals(sent, again, "round trip of " + sent);
        }
    }
}
