package dev.trt4j.cli.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One timed run of {@code trt4j bench}: a cell of the speedup table ({@code precision} empty without
 * {@code --compare}, {@code batch} 0 without {@code --batch}).
 */
record BenchRun(String model, String precision, Path file, int batch) {
    /** The runs of each model and batch size, which bench's plan lists next to each other. */
    static List<List<BenchRun>> groups(List<BenchRun> runs) {
        List<List<BenchRun>> groups = new ArrayList<>();
        for (BenchRun run : runs) {
            List<BenchRun> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && last.get(0).model().equals(run.model()) && last.get(0).batch() == run.batch()) {
                last.add(run);
            } else {
                groups.add(new ArrayList<>(List.of(run)));
            }
        }
        return groups;
    }
}
