#!/usr/bin/env python3
"""Compares per-user session results of Flink 1.20 and Sluice (see run.sh).

  compare.py filter DATA SLUICE_LATE_JSONL   -> the input lines whose order Sluice did not judge late
  compare.py report OUT_DIR LABEL            -> the Markdown table and the case-by-case differences
"""
import collections
import json
import sys


def late_orders(path):
    ids = set()
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                rec = d.get("record")
                ids.add(json.loads(rec)["orderId"] if isinstance(rec, str) else d["orderId"])
    return ids


def late_keys(path):
    keys = set()
    with open(path) as f:
        for line in f:
            if line.strip():
                rec = json.loads(json.loads(line)["record"])
                keys.add((rec["userId"], str(rec["ts"])))
    return keys


def read_rows(path, header):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f):
            if header and i == 0:
                continue
            s, e, user, count, total = line.strip().split(",")
            rows.append((user, int(s), int(e), int(count), int(total)))
    return rows


def flink_final(firings):
    """Per user, a later firing replaces the windows it contains (an update, or a merge of fired sessions)."""
    final = collections.defaultdict(dict)
    updated = superseded = 0
    for user, s, e, c, t in firings:
        windows = final[user]
        for (ps, pe) in list(windows):
            if s <= ps and pe <= e:
                if (ps, pe) == (s, e):
                    updated += 1
                else:
                    superseded += 1
                del windows[(ps, pe)]
        windows[(s, e)] = (c, t)
    rows = {(u, s, e, c, t) for u, w in final.items() for (s, e), (c, t) in w.items()}
    return rows, updated, superseded


def inside(row, sessions_by_user):
    for s, e in sessions_by_user.get(row[0], ()):
        if s <= row[1] and row[2] <= e:
            return (s, e)
    return None


def timestamp_rule_late(data, batch):
    """Records the rule before issue 18 sent to the late output: ts + 1 min < W, W = max ts of earlier batches - 5 s."""
    late, max_ts, n = 0, None, 0
    w = None
    with open(data) as f:
        for line in f:
            if n % batch == 0 and max_ts is not None:
                w = max_ts - 5_000
            ts = json.loads(line)["ts"]
            if w is not None and ts + 60_000 < w:
                late += 1
            max_ts = ts if max_ts is None else max(max_ts, ts)
            n += 1
    return late


def report(out, label, data=None, batch=None):
    fs = read_rows(f"{out}/flink-streaming.csv", False)
    fb = set(read_rows(f"{out}/flink-batch.csv", False))
    ss = set(read_rows(f"{out}/sluice-stream.csv", True))
    sb = set(read_rows(f"{out}/sluice-batch.csv", True))
    sb_on_time = set(read_rows(f"{out}/sluice-batch-on-time.csv", True))
    ff, updated, superseded = flink_final(fs)
    flink_late = [l.strip() for l in open(f"{out}/flink-streaming.late.csv") if l.strip()]
    sluice_late = late_orders(f"{out}/sluice-stream.late.jsonl")
    counted = lambda rows: sum(r[3] for r in rows)
    print(f"\n{label}\n")
    print("| run | rows written | sessions (final rows) | records counted | late records |")
    print("|---|---:|---:|---:|---:|")
    print(f"| Flink 1.20.5 streaming | {len(fs)} | {len(ff)} | {counted(ff)} | {len(flink_late)} |")
    print(f"| Flink 1.20.5 batch | {len(fb)} | {len(fb)} | {counted(fb)} | 0 |")
    print(f"| Sluice stream | {len(ss)} | {len(ss)} | {counted(ss)} | {len(sluice_late)} |")
    print(f"| Sluice batch | {len(sb)} | {len(sb)} | {counted(sb)} | 0 |")
    print()
    print(f"- Sluice batch = Flink batch: {'yes' if sb == fb else 'NO'} ({len(sb & fb)} rows in common, "
          f"{len(sb - fb)} only Sluice, {len(fb - sb)} only Flink)")
    print(f"- Sluice stream = Sluice batch over the records it did not judge late: "
          f"{'yes' if ss == sb_on_time else 'NO'} ({len(ss ^ sb_on_time)} rows differ)")
    agree = ff & fb   # sessions Flink streams exactly as it computes them in batch
    print(f"- Sessions where Flink streaming = Flink batch: {len(agree)}; Sluice stream has the same row for "
          f"{len(agree & ss)} of them ({len(agree - ss)} not)")
    print(f"- Flink streaming rows beyond its final sessions: {updated} updated firings of a window within the "
          f"allowed lateness, {superseded} rows of sessions a later record within the allowed lateness merged into "
          f"a larger one")
    # Final Flink streaming sessions that differ from Flink batch, against the batch session holding them.
    batch_sessions = collections.defaultdict(list)
    for u, s, e, c, t in fb:
        batch_sessions[u].append((s, e))
    holders = collections.Counter(inside(r, batch_sessions) and (r[0],) + inside(r, batch_sessions)
                                  for r in ff - fb)
    split = sum(1 for r in ff - fb if holders[(r[0],) + inside(r, batch_sessions)] > 1)
    print(f"- Flink streaming final sessions that differ from Flink batch: {len(ff - fb)}: {split} are pieces of one "
          f"batch session split in two or more (a record whose session had fired and been purged after the "
          f"allowed lateness opened a new one: counted, in another row), {len(ff - fb) - split} miss records dropped "
          f"as late")
    print(f"- Sluice stream sessions that differ from Flink batch: {len(ss - fb)} (each misses records Sluice "
          f"judged late; Sluice never splits a session: a record that would join a fired one is late)")
    flink_late_keys = {tuple(x.split(",")) for x in flink_late}
    sluice_late_keys = late_keys(f"{out}/sluice-stream.late.jsonl")
    both = len(flink_late_keys & sluice_late_keys)
    if data:
        print(f"- Before issue 18 (a session record late when ts + 1 min < W) Sluice stream would have sent "
              f"{timestamp_rule_late(data, int(batch))} records to the late output")
    print(f"- Late records: {len(flink_late)} in Flink streaming, {len(sluice_late)} in Sluice stream; {both} late in "
          f"both, {len(sluice_late_keys - flink_late_keys)} late only in Sluice (Flink counted them, most as a new "
          f"session next to one it had fired), {len(flink_late_keys - sluice_late_keys)} late only in Flink")


def filter_input(data, late_path):
    late = late_orders(late_path)
    with open(data) as f:
        for line in f:
            if json.loads(line)["orderId"] not in late:
                sys.stdout.write(line)


if __name__ == "__main__":
    if sys.argv[1] == "filter":
        filter_input(sys.argv[2], sys.argv[3])
    else:
        report(*sys.argv[2:])
