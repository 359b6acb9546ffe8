package io.kembed.app.cli;

import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars with rate and ETA (me.tongfei:progressbar). On a terminal the bar redraws in place; without one
 * (CI logs, pipes) it prints a line every 5 s instead of flooding the log with carriage returns.
 */
public final class Bars {

    private Bars() {
    }

    public static ProgressBar create(String task, long max, String unit) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setMaxRenderedLength(110)
                .continuousUpdate();
        if (System.console() == null) {
            b.setConsumer(new DelegatingProgressBarConsumer(System.out::println)).setUpdateIntervalMillis(
                    (int) Duration.ofSeconds(5).toMillis());
        } else {
            b.setUpdateIntervalMillis(250);
        }
        return b.build();
    }
}
