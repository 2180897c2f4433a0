package org.aceforge.engine.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A container's memory limit, as the two control-group hierarchies write it (trees written under a temp folder). */
class CgroupMemoryTest {
    @TempDir
    Path tmp;

    private Path write(String rel, String text) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void version2LimitLessItsAnonymousMemory() throws Exception {
        Path self = write("proc/self/cgroup", "0::/docker/abc\n");
        write("sys/cgroup.controllers", "cpu memory pids\n");
        write("sys/docker/abc/memory.max", "16000000000\n");
        write("sys/docker/abc/memory.stat", "anon 3000000000\nfile 9000000000\n");
        assertEquals(13_000_000_000L, CgroupMemory.available(self, tmp.resolve("sys")), "the page cache is not counted");

        write("sys/docker/memory.max", "10000000000\n");   // a tighter parent wins
        write("sys/docker/memory.stat", "anon 4000000000\n");
        assertEquals(6_000_000_000L, CgroupMemory.available(self, tmp.resolve("sys")));

        write("sys/docker/memory.max", "max\n");
        write("sys/docker/abc/memory.max", "max\n");
        assertNull(CgroupMemory.available(self, tmp.resolve("sys")), "no limit");
    }

    @Test
    void version1LimitAndAContainersOwnView() throws Exception {
        Path self = write("proc/self/cgroup", "9:name=systemd:/\n4:memory:/kubepods/pod1/c2\n3:cpuset:/\n");
        write("sys/memory/memory.limit_in_bytes", "9223372036854771712\n");   // the host's root: no limit
        write("sys/memory/kubepods/pod1/c2/memory.limit_in_bytes", "8589934592\n");
        write("sys/memory/kubepods/pod1/c2/memory.stat", "cache 100\nrss 5\ntotal_cache 4000000000\ntotal_rss 1073741824\n");
        assertEquals(8589934592L - 1073741824L, CgroupMemory.available(self, tmp.resolve("sys")));

        // Inside the container the mount shows the container's group at its root; the host's path does not exist.
        Path inside = tmp.resolve("inside");
        write("inside/memory/memory.limit_in_bytes", "4294967296\n");
        write("inside/memory/memory.stat", "total_rss 294967296\n");
        assertEquals(4_000_000_000L, CgroupMemory.available(self, inside));
    }

    @Test
    void nothingToReadIsNoLimit() throws Exception {
        assertNull(CgroupMemory.available(tmp.resolve("absent"), tmp.resolve("sys")));
        Path self = write("proc/self/cgroup", "4:memory:/a\n");
        assertNull(CgroupMemory.available(self, tmp.resolve("sys")), "no files under the mount");
        write("sys/memory/a/memory.limit_in_bytes", "not a number\n");
        assertNull(CgroupMemory.available(self, tmp.resolve("sys")));
    }

    @Test
    void aLimitedGroupSetsTheRendersMemoryAndTheProcessesOwnCountsBack() {
        MachineMemory limited = new MachineMemory("cpu", 6_000_000_000L, MachineMemory.CGROUP);
        assertEquals(8_000_000_000L, limited.withOwn(2_000_000_000L).bytes(), "the group's anonymous memory includes ours");
    }
}
