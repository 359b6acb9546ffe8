package io.kembed.app.cli;

import io.kembed.core.model.ModelRegistry;
import io.kembed.core.model.ModelSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kembed models}: the bi-encoders the registry knows. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "List the known bi-encoders.")
public final class ModelsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.printf("%-22s %-40s %5s %-5s %6s %-5s %s%n", "id", "upstream", "dims", "pool", "max", "int8",
                "query prefix");
        for (ModelSpec m : ModelRegistry.all()) {
            System.out.printf("%-22s %-40s %5d %-5s %6d %-5s \"%s\"%s%n", m.id(), m.huggingFaceRepo(), m.dims(),
                    m.pooling(), m.maxTokens(), m.quantized(), m.queryPrefix(),
                    m.id().equals(ModelRegistry.DEFAULT_MODEL) ? "  (default)" : "");
        }
        return 0;
    }
}
