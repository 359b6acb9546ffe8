package io.kembed.app.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the data files shipped in the repository, from the working directory or from the jar's location. */
public final class DataFiles {

    static final String EU_REGISTER = "data/eu-transparency-register-2018/transparency_register_2018.jsonl.gz";

    private DataFiles() {
    }

    /** @throws IllegalStateException naming the places looked in if the file is nowhere */
    public static Path euRegister() {
        return find(EU_REGISTER);
    }

    public static Path find(String relative) {
        List<Path> tried = new ArrayList<>();
        for (Path base : bases()) {
            Path p = base.resolve(relative);
            tried.add(p);
            if (Files.isRegularFile(p) || Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find " + relative + "; looked in " + tried);
    }

    private static List<Path> bases() {
        List<Path> bases = new ArrayList<>();
        bases.add(Path.of("").toAbsolutePath());
        try {
            Path jar = Path.of(DataFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // app/target/kembed.jar -> repository root
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                bases.add(p);
            }
        } catch (URISyntaxException | SecurityException e) {
            // the working directory alone is enough
        }
        return bases;
    }
}
