"""The cluster run's verdicts from its logs (tests/cluster/analysis.py): windows, grace, percentiles."""

import json

from tests.cluster import analysis


def record(t, status=200, step="my learning", ms=10.0):
    return {"t": t, "step": step, "status": status, "ms": ms}


WINDOWS = [
    {"drill": "b-app-server", "start": 100.0, "end": 103.0},
    {"drill": "d-redis", "start": 200.0, "end": 200.5},
]


def test_failures_inside_a_window_or_its_grace_are_the_drills():
    records = [record(100.0, 502), record(103.0, 0), record(103.0 + analysis.GRACE_SECONDS, 503)]
    assert analysis.failures_outside(records, WINDOWS) == []
    assert analysis.failures_by_drill(records, WINDOWS) == {"b-app-server": 3, "d-redis": 0}


def test_failures_before_a_window_or_after_its_grace_are_not():
    early, late = record(99.9, 502), record(103.0 + analysis.GRACE_SECONDS + 0.1, 500)
    assert analysis.failures_outside([early, late, record(150.0, 200)], WINDOWS) == [early, late]


def test_no_answer_counts_as_a_failure_and_4xx_does_not():
    assert analysis.failed(0) and analysis.failed(500) and analysis.failed(504)
    assert not analysis.failed(200) and not analysis.failed(302) and not analysis.failed(404)
    assert analysis.failures_outside([record(10.0, 403), record(11.0, 0)], WINDOWS) == [record(11.0, 0)]


def test_the_grace_is_a_parameter():
    assert analysis.failures_outside([record(104.0, 502)], WINDOWS, grace=0.5) == [record(104.0, 502)]
    assert analysis.failures_outside([record(104.0, 502)], WINDOWS, grace=1.0) == []


def test_percentile_is_nearest_rank():
    values = list(range(1, 21))  # 1..20
    assert analysis.percentile(values, 95) == 19
    assert analysis.percentile(values, 50) == 10
    assert analysis.percentile(values, 100) == 20
    assert analysis.percentile([7.5], 95) == 7.5
    assert analysis.percentile([], 95) == 0.0
    assert analysis.percentile([3, 1, 2], 50) == 2  # order of the records does not matter


def test_step_stats_per_step():
    records = [record(1, ms=ms) for ms in range(1, 101)] + [
        record(2, 500, "submit", 900.0),
        record(3, step="submit"),
    ]
    stats = analysis.step_stats(records)
    assert stats["my learning"] == {
        "requests": 100,
        "errors": 0,
        "error_rate": 0.0,
        "p50_ms": 50.0,
        "p95_ms": 95.0,
    }
    assert stats["submit"]["errors"] == 1 and stats["submit"]["error_rate"] == 0.5
    assert stats["submit"]["p95_ms"] == 900.0
    table = analysis.format_stats(stats)
    assert "my learning" in table and "all steps" in table


def test_read_jsonl_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "requests-1.jsonl"
    path.write_text(json.dumps(record(1.0)) + "\n" + '{"t": 2.0, "st')
    assert analysis.read_jsonl([path]) == [record(1.0)]


def test_upstream_spread_counts_the_server_that_answered():
    log = [{"upstream": "127.0.0.1:1"}, {"upstream": "127.0.0.1:1, 127.0.0.1:2"}, {"upstream": ""}]
    assert analysis.upstream_spread(log) == {"127.0.0.1:1": 1, "127.0.0.1:2": 1}


def test_a_drill_that_breaks_nothing_excuses_nothing():
    windows = [{"drill": "a-publish", "start": 50.0, "end": 50.0, "breaks_nothing": True}, *WINDOWS]
    assert analysis.failures_outside([record(51.0, 500)], windows) == [record(51.0, 500)]
    assert analysis.failures_by_drill([record(100.5, 502)], windows) == {"b-app-server": 1, "d-redis": 0}
