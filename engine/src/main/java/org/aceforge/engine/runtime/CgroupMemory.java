package org.aceforge.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The memory a control group's limit leaves this process — a container's, or a service's under systemd. Inside a
 * container /proc/meminfo still describes the whole machine, so a server in a 16 GB container on a 64 GB host would
 * fit its renders to 64 GB and be killed for it. The limit of each group from the process's own up to the hierarchy's
 * root counts (the smallest room left wins); what is left is the limit minus the group's anonymous memory (its page
 * cache the kernel reclaims before it kills). Both hierarchies: v2 ({@code memory.max}, {@code memory.stat} "anon")
 * and v1 ({@code memory.limit_in_bytes}, {@code memory.stat} "total_rss"). Read on any thread; nothing is cached.
 */
final class CgroupMemory {
    /** v1 writes "no limit" as the largest page-aligned long; anything above 2^60 bytes is no limit. */
    private static final long NO_LIMIT = 1L << 60;

    private CgroupMemory() {}

    /** Room left under the process's memory limits, in bytes; null when no group limits it (or nothing can be read). */
    static Long available() {
        return available(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    /**
     * @param procSelfCgroup the process's {@code /proc/self/cgroup}
     * @param root           where the hierarchies are mounted ({@code /sys/fs/cgroup})
     */
    static Long available(Path procSelfCgroup, Path root) {
        List<String> lines;
        try {
            lines = Files.readAllLines(procSelfCgroup);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Long least = null;
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            Long room = null;
            if (f[0].equals("0") && f[1].isEmpty()) {
                // v2: mounted at the root itself, or at root/unified beside v1 controllers
                for (Path mount : new Path[]{root, root.resolve("unified")})
                    if (Files.isRegularFile(mount.resolve("cgroup.controllers"))) room = least(room, walk(mount, f[2], "memory.max", "anon"));
            } else if (List.of(f[1].split(",")).contains("memory")) {
                room = walk(root.resolve("memory"), f[2], "memory.limit_in_bytes", "total_rss");
            }
            least = least(least, room);
        }
        return least;
    }

    /** The least room over the group at {@code group} under {@code mount} and its ancestors. */
    private static Long walk(Path mount, String group, String limitFile, String anonField) {
        Path dir = mount.resolve(group.replaceFirst("^/+", ""));
        // In a container the process's path is the host's while the mount shows the container's own group.
        if (!Files.isDirectory(dir)) dir = mount;
        Long least = null;
        for (Path d = dir; d != null && d.startsWith(mount); d = d.getParent()) least = least(least, room(d, limitFile, anonField));
        return least;
    }

    private static Long room(Path dir, String limitFile, String anonField) {
        try {
            String limit = Files.readString(dir.resolve(limitFile)).strip();
            if (limit.equals("max")) return null;
            long bytes = Long.parseLong(limit);
            if (bytes >= NO_LIMIT) return null;
            long anon = 0;
            Path stat = dir.resolve("memory.stat");
            if (Files.isRegularFile(stat))
                for (String l : Files.readAllLines(stat))
                    if (l.startsWith(anonField + " ")) anon = Long.parseLong(l.substring(anonField.length() + 1).strip());
            return Math.max(0, bytes - anon);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Long least(Long a, Long b) {
        if (a == null) return b;
        if (b == null) return a;
        return Math.min(a, b);   // (a ternary here would unbox a null)
    }
}
