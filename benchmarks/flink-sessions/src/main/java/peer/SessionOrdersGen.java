package peer;

import java.io.BufferedWriter;
import java.io.FileWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * Orders of {@code --users} users over event time, written in <i>arrival</i> order: most arrive within the 5 s
 * disorder bound, a fraction ({@code --beyond}, default 3 %) from 6 s to 40 min after their event time, so they
 * meet watermarks past their timestamp. A user's orders are on average {@code --mean-gap-min} minutes apart
 * (exponential), so 30-minute sessions both form and merge.
 *
 * <p>Usage: SessionOrdersGen --records N --users U --seed S --out FILE [--beyond F] [--mean-gap-min M]
 */
public final class SessionOrdersGen {

  public static void main(String[] args) throws Exception {
    long records = 200_000, seed = 18;
    int users = 2_000;
    double beyond = 0.03, meanGapMin = 10;
    String out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--records": records = Long.parseLong(args[++i]); break;
        case "--users": users = Integer.parseInt(args[++i]); break;
        case "--seed": seed = Long.parseLong(args[++i]); break;
        case "--beyond": beyond = Double.parseDouble(args[++i]); break;
        case "--mean-gap-min": meanGapMin = Double.parseDouble(args[++i]); break;
        case "--out": out = args[++i]; break;
        default: throw new IllegalArgumentException("unknown arg " + args[i]);
      }
    }
    if (out == null) throw new IllegalArgumentException("--out required");
    SplittableRandom random = new SplittableRandom(seed);
    int n = Math.toIntExact(records);
    long t0 = 1_605_024_000_000L;   // 2020-11-10T16:00Z
    // One clock per user; the next order goes to the user whose clock is earliest-ish: draw a user, advance it.
    long[] clock = new long[users];
    for (int u = 0; u < users; u++) clock[u] = t0 + (long) (random.nextDouble() * meanGapMin * 60_000);
    long[][] rows = new long[n][];   // {arrival, ts, user, amount, id}
    for (int i = 0; i < n; i++) {
      int u = random.nextInt(users);
      long ts = clock[u];
      clock[u] += (long) (-Math.log(1 - random.nextDouble()) * meanGapMin * 60_000) + 1;
      long delay = random.nextDouble() < beyond
          ? 6_000 + random.nextLong(40 * 60_000 - 6_000)
          : random.nextLong(5_000);
      rows[i] = new long[] {ts + delay, ts, u, 1 + random.nextLong(20_000), i};
    }
    Arrays.sort(rows, Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[4]));
    try (BufferedWriter w = new BufferedWriter(new FileWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
      for (long[] r : rows) {
        w.write("{\"orderId\":\"o-" + r[4] + "\",\"userId\":\"u-" + r[2] + "\",\"category\":\"c-" + (r[2] % 50)
            + "\",\"amount\":" + r[3] + ",\"ts\":" + r[1] + "}\n");
      }
    }
  }
}
