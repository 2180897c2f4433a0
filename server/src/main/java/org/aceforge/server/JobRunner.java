package org.aceforge.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.aceforge.engine.jobs.ProgressListener;
import org.aceforge.engine.jobs.RenderJob;
import org.aceforge.engine.jobs.RenderRequest;
import org.aceforge.engine.jobs.RenderResult;
import org.aceforge.engine.jobs.RenderService;

import java.nio.file.Path;
import java.util.Map;

/** Renders jobs on this node's engine: the job's fields through {@link TaskMapper}, the files into the output folder. */
final class JobRunner {
    private final TaskMapper mapper;
    private final RenderService service;
    private final AudioFolder outputs;

    JobRunner(TaskMapper mapper, RenderService service, AudioFolder outputs) {
        this.mapper = mapper;
        this.service = service;
        this.outputs = outputs;
    }

    /** The typed request of a job, its files written under {@code outputs/<id>/}. */
    RenderRequest request(Job job, Map<String, Path> files) {
        Params p = Params.ofJson(job.fields());
        Path out = outputs.root().resolve(job.id()).resolve("audio." + TaskMapper.extension(p));
        return mapper.map(p, files.get("src_audio"), files.get("reference_audio"), out);
    }

    AudioFolder outputs() { return outputs; }

    RenderJob start(Job job, Map<String, Path> files, ProgressListener progress) {
        return service.submit(request(job, files), progress, null);
    }

    /** query_result's entries for a finished render. */
    String items(Job job, RenderResult r) {
        ArrayNode items = ResultJson.items(job, r, outputs.root());
        return items.toString();
    }
}
