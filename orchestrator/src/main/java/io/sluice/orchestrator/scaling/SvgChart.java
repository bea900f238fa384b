package io.sluice.orchestrator.scaling;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Hand-written SVG for a {@link SimulationReport}: three stacked panels sharing the time axis. */
final class SvgChart {
    private static final int WIDTH = 1000;
    private static final int PANEL = 200;
    private static final int LEFT = 80;
    private static final int TOP = 60;
    private static final int GAP = 50;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#7f7f7f"};

    private SvgChart() {
    }

    static String render(SimulationReport report) {
        List<SimulationReport.Fleet> fleets = List.of(report.autoscaled(), report.reactiveOnly(), report.staticFleet());
        int height = TOP + 3 * (PANEL + GAP) + 20;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\">Scaling simulation: %s (%s)</text>%n",
                LEFT, report.profile().name(), report.profile().start().getZone()));
        panel(svg, 0, "offered records/s", List.of(report.autoscaled()), m -> m.offeredRecordsPerSecond(), report);
        panel(svg, 1, "open shards", fleets, m -> m.shards(), report);
        panel(svg, 2, "lag (s): producer retries + iterator age", fleets, m -> m.lagMillis() / 1000.0, report);
        for (int i = 0; i < fleets.size(); i++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", LEFT + 400 + 150 * i, 20, COLORS[i],
                    fleets.get(i).name()));
        }
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, int index, String title, List<SimulationReport.Fleet> fleets,
                              ToDoubleFunction<SimulationReport.Minute> value, SimulationReport report) {
        int y0 = TOP + index * (PANEL + GAP);
        int plotWidth = WIDTH - LEFT - 20;
        double max = fleets.stream().flatMap(f -> f.minutes().stream()).mapToDouble(value).max().orElse(1);
        max = max <= 0 ? 1 : max * 1.05;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT, y0 - 5, title));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>%n",
                LEFT, y0, plotWidth, PANEL));
        for (int tick = 0; tick <= 4; tick++) {
            double v = max * tick / 4;
            int y = y0 + PANEL - PANEL * tick / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%,.0f</text>%n", LEFT - 5, y + 4, v));
        }
        List<SimulationReport.Minute> axis = fleets.get(0).minutes();
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
        for (int i = 0; i < axis.size(); i += 60) {
            int x = LEFT + (int) ((long) plotWidth * i / Math.max(1, axis.size() - 1));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, y0 + PANEL + 15,
                    clock.format(axis.get(i).start().atZone(report.profile().start().getZone()))));
        }
        for (int f = fleets.size() - 1; f >= 0; f--) {
            List<SimulationReport.Minute> minutes = fleets.get(f).minutes();
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < minutes.size(); i++) {
                double x = LEFT + (double) plotWidth * i / Math.max(1, minutes.size() - 1);
                double y = y0 + PANEL - PANEL * value.applyAsDouble(minutes.get(i)) / max;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
                    fleets.size() == 1 ? "#2ca02c" : COLORS[f], points.toString().trim()));
        }
    }
}
