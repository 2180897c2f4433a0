package org.aceforge.engine.download;

import org.aceforge.engine.jobs.ModelLocator;
import org.aceforge.engine.model.ModelPack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Downloads from a local server that speaks the hubs' protocols (FakeHub), serving the demo pack in the official
 * layout: a complete download that renders, resumes after a cut and a stall, and every failure with its message.
 * Nothing touches the internet.
 */
class ModelDownloaderTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    final List<String> messages = new ArrayList<>();
    final ModelDownloader.Listener listener = new ModelDownloader.Listener() {
        public void progress(ModelDownloader.Progress p) { }
        public void message(String line) { messages.add(line); }
    };

    @BeforeEach
    void serve() throws Exception {
        hub = FakeHub.servingDemoPack(4);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    ModelDownloader downloader(Map<String, String> env) {
        return new ModelDownloader(env, Duration.ofSeconds(1));
    }

    Map<String, String> env() {
        return Map.of("HF_ENDPOINT", hub.hfEndpoint(), "MODELSCOPE_ENDPOINT", hub.msEndpoint());
    }

    static List<String> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void theMainBundleDownloadsCompleteVerifiedAndUsable() throws Exception {
        Path to = tmp.resolve("models");
        List<Path> got = downloader(env()).download(List.of(ModelCatalog.find("main")), to, listener, () -> false);
        assertEquals(4, got.size());
        List<String> installed = files(to);
        assertFalse(installed.stream().anyMatch(f -> f.endsWith(".py") || f.endsWith("README.md")), "only what the engine reads: " + installed);
        assertFalse(Files.exists(to.resolve(ModelDownloader.PARTIAL).resolve("vae")), "nothing left in staging");
        assertTrue(installed.contains("acestep-v15-turbo/" + ModelDownloader.MARKER));
        ModelPack pack = new ModelPack(to);
        pack.validate(ModelPack.Variant.TURBO);
        assertEquals(List.of("1.7B"), pack.installedLms());
        assertTrue(hub.log.stream().anyMatch(l -> l.contains("cursor=")), "the listing is read across pages");
        assertFalse(hub.cdnSawToken);

        int before = hub.log.size();
        downloader(env()).download(List.of(ModelCatalog.find("main")), to, listener, () -> false);
        assertTrue(messages.stream().anyMatch(m -> m.contains("already installed")), messages.toString());
        assertTrue(hub.log.subList(before, hub.log.size()).stream().noneMatch(l -> l.startsWith("cdn")), "no file fetched again");
    }

    @Test
    void aCutAndAStallAreResumedWithRangeRequests() throws Exception {
        hub.faults.put("acestep-v15-turbo/model.safetensors", "cut");
        hub.faults.put("vae/diffusion_pytorch_model.safetensors", "stall");
        Path to = tmp.resolve("models");
        downloader(env()).download(List.of(ModelCatalog.find("main")), to, listener, () -> false);
        new ModelPack(to).validate(ModelPack.Variant.TURBO);
        assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("cdn acestep-v15-turbo/model.safetensors range=bytes=")), hub.log.toString());
        assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("cdn vae/diffusion_pytorch_model.safetensors range=bytes=")), hub.log.toString());
        assertEquals(Files.size(ModelLocator.ensureDemoPack().root().resolve("acestep-v15-turbo/model.safetensors")),
                Files.size(to.resolve("acestep-v15-turbo/model.safetensors")));
    }

    @Test
    void aWrongHashIsKeptAsideAndNothingLooksInstalled() throws Exception {
        hub.faults.put("model.safetensors", "corrupt");
        Path to = tmp.resolve("models");
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader(env()).download(List.of(ModelCatalog.find("base")), to, listener, () -> false));
        assertEquals(DownloadException.Kind.INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("SHA-256 mismatch") && e.getMessage().contains("kept aside"), e.getMessage());
        assertFalse(Files.exists(to.resolve("acestep-v15-base")), "no half folder that looks complete");
        assertTrue(Files.isRegularFile(to.resolve(ModelDownloader.PARTIAL).resolve("acestep-v15-base.rejected").resolve("model.safetensors")));
        hub.faults.clear();
        downloader(env()).download(List.of(ModelCatalog.find("base")), to, listener, () -> false);
        new ModelPack(to).dit(ModelPack.Variant.BASE);
    }

    @Test
    void missingRepositoriesAndRefusedAccessSayWhatToDo() throws Exception {
        Path to = tmp.resolve("models");
        DownloadException nf = assertThrows(DownloadException.class,
                () -> downloader(env()).download(List.of(ModelCatalog.find("sft")), to, listener, () -> false));
        assertEquals(DownloadException.Kind.NOT_FOUND, nf.kind());
        assertTrue(nf.getMessage().contains("ACE-Step/acestep-v15-sft") && nf.getMessage().contains("404"), nf.getMessage());

        hub.needToken.add("ACE-Step/acestep-v15-base");
        DownloadException auth = assertThrows(DownloadException.class,
                () -> downloader(env()).download(List.of(ModelCatalog.find("base")), to, listener, () -> false));
        assertEquals(DownloadException.Kind.AUTH, auth.kind());
        assertTrue(auth.getMessage().contains("HF_TOKEN"), auth.getMessage());
        var withToken = new java.util.HashMap<>(env());
        withToken.put("HF_TOKEN", "good-token");
        downloader(withToken).download(List.of(ModelCatalog.find("base")), to, listener, () -> false);
        assertFalse(hub.cdnSawToken, "the token never goes to the CDN");
    }

    @Test
    void modelScopeServesWhenHuggingFaceIsUnreachable() throws Exception {
        Path to = tmp.resolve("models");
        Map<String, String> env = Map.of("HF_ENDPOINT", "http://127.0.0.1:1", "MODELSCOPE_ENDPOINT", hub.msEndpoint());
        downloader(env).download(List.of(ModelCatalog.find("base")), to, listener, () -> false);
        new ModelPack(to).dit(ModelPack.Variant.BASE);
        assertTrue(messages.stream().anyMatch(m -> m.contains("trying ModelScope")), messages.toString());
        assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("api /ms/api/v1/models/ACE-Step/acestep-v15-base/repo")), hub.log.toString());

        Map<String, String> offline = Map.of("HF_ENDPOINT", "http://127.0.0.1:1", "MODELSCOPE_ENDPOINT", "http://127.0.0.1:1");
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader(offline).download(List.of(ModelCatalog.find("base")), tmp.resolve("m2"), listener, () -> false));
        assertEquals(DownloadException.Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().contains("no network?"), e.getMessage());
    }

    @Test
    void notEnoughDiskSpaceIsSaidBeforeAnythingIsFetched() throws Exception {
        Path to = tmp.resolve("models");
        hub.claimedSize.put("model.safetensors", Files.getFileStore(tmp).getUsableSpace() * 2);
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader(env()).download(List.of(ModelCatalog.find("base")), to, listener, () -> false));
        assertEquals(DownloadException.Kind.DISK, e.kind());
        assertTrue(e.getMessage().contains("only") && e.getMessage().contains("are free on"), e.getMessage());
        assertTrue(hub.log.stream().noneMatch(l -> l.startsWith("cdn")), "nothing fetched");
    }
}
