package dev.trt4j.report;

import dev.trt4j.Trt4jException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The histogram charts an earlier report wrote into a folder, as its page lists them, and their removal once a new
 * report has replaced that page. Only files the earlier page shows are removed: a PNG the user put in the chart
 * folder, even one named like a chart ({@code 005-mine.png}), is not trt4j's to delete. A rerun still leaves no
 * stale chart, since every chart trt4j wrote was listed on the page written with it.
 */
final class EarlierCharts {
    /** An image of the page, as {@link HtmlReport} writes it; the name part as {@link ReportWriter} names charts. */
    private static final Pattern LISTED = Pattern.compile("<img src=\"" + ReportWriter.CHART_FOLDER
            + "/(\\d{3,}-[A-Za-z0-9._-]*\\.png)\"");

    private final Set<String> names;

    private EarlierCharts(Set<String> names) {
        this.names = names;
    }

    /**
     * The charts {@code page} shows, by their names in the chart folder; none if there is no page (a first report),
     * or it cannot be read: its charts then stay, as an unreadable old page is no reason to refuse the new report.
     */
    static EarlierCharts listedBy(Path page) {
        Set<String> names = new LinkedHashSet<>();
        if (Files.isRegularFile(page)) {
            String html;
            try {
                // the names are ASCII, so any page decodes: one that is not UTF-8 is no reason to keep its charts
                html = new String(Files.readAllBytes(page), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                html = "";
            }
            Matcher m = LISTED.matcher(html);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return new EarlierCharts(names);
    }

    /**
     * Deletes from {@code folder} the earlier charts not in {@code written}, the charts the new page shows.
     *
     * @throws Trt4jException naming the folder if one cannot be deleted
     */
    void removeAllBut(Path folder, Collection<String> written) {
        for (String name : names) {
            if (!written.contains(name)) {
                try {
                    Files.deleteIfExists(folder.resolve(name));
                } catch (IOException e) {
                    throw new Trt4jException(folder + ": cannot remove an earlier report's histograms: "
                            + e.getMessage(), e);
                }
            }
        }
    }
}
